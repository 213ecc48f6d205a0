package dev.duro.deploy.http;

/**
 * Limits of the HTTP front. Each bounds what one client can hold of the node: bytes per request,
 * requests queued per connection, time to send a request, time a connection may sit idle, and
 * connections per listener.
 *
 * @param maxBodyBytes          a larger request body is answered 413 and the connection closed
 * @param maxInitialLineBytes   a longer request line is a malformed request (400)
 * @param maxHeaderBytes        larger headers are a malformed request (400)
 * @param requestTimeoutMillis  a request without an answer by then gets 504 (its outcome unknown)
 * @param retryAfterSeconds     the Retry-After of 429 and 503 answers
 * @param maxQueuedRequests     pipelined requests read ahead of the one being answered; past this
 *                              the connection stops being read until the queue shortens
 * @param receiveTimeoutMillis  from a request's first byte to its last; a slower one (slowloris) is
 *                              answered 408 and the connection closed
 * @param idleTimeoutMillis     a connection with no request in progress and no bytes for this long
 *                              is closed (WebSockets excepted)
 * @param maxConnections        open connections per listener; a connection past it is closed at once
 */
public record HttpOptions(int maxBodyBytes, int maxInitialLineBytes, int maxHeaderBytes, long requestTimeoutMillis,
                          int retryAfterSeconds, int maxQueuedRequests, long receiveTimeoutMillis, long idleTimeoutMillis,
                          int maxConnections) {
    public HttpOptions {
        if (maxBodyBytes < 0 || maxInitialLineBytes < 64 || maxHeaderBytes < 256) {
            throw new IllegalArgumentException("need maxBodyBytes >= 0, maxInitialLineBytes >= 64, maxHeaderBytes >= 256");
        }
        if (requestTimeoutMillis <= 0 || retryAfterSeconds < 0) {
            throw new IllegalArgumentException("need requestTimeoutMillis > 0 and retryAfterSeconds >= 0");
        }
        if (maxQueuedRequests < 1 || receiveTimeoutMillis <= 0 || idleTimeoutMillis <= 0 || maxConnections < 1) {
            throw new IllegalArgumentException("need maxQueuedRequests >= 1, receiveTimeoutMillis > 0, idleTimeoutMillis > 0, maxConnections >= 1");
        }
    }

    /**
     * 1 MiB bodies, 8 KiB request line, 16 KiB headers, 10 s per request, retry after 1 s, 16
     * pipelined requests, 30 s to send a request, 120 s idle, 10,000 connections per listener.
     */
    public static HttpOptions defaults() {
        return new HttpOptions(1 << 20, 8 << 10, 16 << 10, 10_000, 1, 16, 30_000, 120_000, 10_000);
    }

    public HttpOptions withMaxBodyBytes(int bytes) {
        return new HttpOptions(bytes, maxInitialLineBytes, maxHeaderBytes, requestTimeoutMillis, retryAfterSeconds,
                maxQueuedRequests, receiveTimeoutMillis, idleTimeoutMillis, maxConnections);
    }

    public HttpOptions withRequestTimeoutMillis(long millis) {
        return new HttpOptions(maxBodyBytes, maxInitialLineBytes, maxHeaderBytes, millis, retryAfterSeconds,
                maxQueuedRequests, receiveTimeoutMillis, idleTimeoutMillis, maxConnections);
    }

    /** Receive and idle timeouts, e.g. short ones for tests. */
    public HttpOptions withConnectionTimeouts(long receiveMillis, long idleMillis) {
        return new HttpOptions(maxBodyBytes, maxInitialLineBytes, maxHeaderBytes, requestTimeoutMillis, retryAfterSeconds,
                maxQueuedRequests, receiveMillis, idleMillis, maxConnections);
    }

    public HttpOptions withMaxConnections(int connections) {
        return new HttpOptions(maxBodyBytes, maxInitialLineBytes, maxHeaderBytes, requestTimeoutMillis, retryAfterSeconds,
                maxQueuedRequests, receiveTimeoutMillis, idleTimeoutMillis, connections);
    }
}
