package dev.duro.runtime.gateway;

/**
 * How a {@link Gateway} keeps its WebSockets and its memory of requests.
 *
 * @param socketIdleTimeoutNanos  a socket the client has not pinged or written for this long is
 *                                closed towards the object with 1006 (the client vanished); must
 *                                exceed the client's ping interval comfortably
 * @param gapTimeoutNanos         a socket whose incoming sequence has a gap that made no progress
 *                                for this long is aborted (a frame was lost for good)
 * @param sweepIntervalNanos      how often the gateway checks its sockets for the two timeouts
 * @param maxBufferedFrames       frames that may wait behind a gap per socket before it is aborted
 * @param dedupWindow             how many recent (client, request id) pairs are remembered so a
 *                                duplicated request frame runs once; also how many sockets the
 *                                object closed keep their close frame, resent to client frames
 *                                that crossed it
 * @param maxErrorMessageChars    longer error messages are cut before they are sent
 */
public record GatewayOptions(long socketIdleTimeoutNanos, long gapTimeoutNanos, long sweepIntervalNanos,
                             int maxBufferedFrames, int dedupWindow, int maxErrorMessageChars) {
    public GatewayOptions {
        if (socketIdleTimeoutNanos <= 0 || gapTimeoutNanos <= 0 || sweepIntervalNanos <= 0) {
            throw new IllegalArgumentException("gateway timeouts and the sweep interval must be positive");
        }
        if (maxBufferedFrames < 1 || dedupWindow < 1 || maxErrorMessageChars < 16) {
            throw new IllegalArgumentException("need maxBufferedFrames >= 1, dedupWindow >= 1, maxErrorMessageChars >= 16");
        }
    }

    /** 15 s idle timeout, 3 s gap timeout, 1 s sweep, 1,024 buffered frames, 65,536 remembered requests, 4,096-char messages. */
    public static GatewayOptions defaults() {
        return new GatewayOptions(15_000_000_000L, 3_000_000_000L, 1_000_000_000L, 1024, 65_536, 4096);
    }
}
