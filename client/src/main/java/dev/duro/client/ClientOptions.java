package dev.duro.client;

/**
 * How a {@link GatewayClient} watches its WebSockets.
 *
 * @param pingIntervalNanos  each open socket sends a keepalive this often
 * @param idleTimeoutNanos   a socket that heard nothing from the gateway (no pong, no frame) for this
 *                           long is closed locally with 1006, {@code wasClean=false}
 * @param gapTimeoutNanos    a socket whose incoming sequence has a gap that made no progress for
 *                           this long is closed the same way (a frame was lost for good)
 * @param maxBufferedFrames  frames that may wait behind a gap before the socket is closed
 */
public record ClientOptions(long pingIntervalNanos, long idleTimeoutNanos, long gapTimeoutNanos, int maxBufferedFrames) {
    public ClientOptions {
        if (pingIntervalNanos <= 0 || gapTimeoutNanos <= 0) {
            throw new IllegalArgumentException("the ping interval and the gap timeout must be positive");
        }
        if (idleTimeoutNanos <= pingIntervalNanos) {
            throw new IllegalArgumentException("the idle timeout must exceed the ping interval, or every socket would time out");
        }
        if (maxBufferedFrames < 1) throw new IllegalArgumentException("maxBufferedFrames must be >= 1");
    }

    /** Ping every 1 s, give up after 5 s of silence, 3 s gap timeout, 1,024 buffered frames. */
    public static ClientOptions defaults() {
        return new ClientOptions(1_000_000_000L, 5_000_000_000L, 3_000_000_000L, 1024);
    }
}
