package dev.duro.deploy.http;

/**
 * Limits of the HTTP front.
 *
 * @param maxBodyBytes         a larger request body is answered 413 and the connection closed
 * @param maxInitialLineBytes  a longer request line is a malformed request (400)
 * @param maxHeaderBytes       larger headers are a malformed request (400)
 * @param requestTimeoutMillis a request without an answer by then gets 504 (its outcome unknown)
 * @param retryAfterSeconds    the Retry-After of 429 and 503 answers
 */
public record HttpOptions(int maxBodyBytes, int maxInitialLineBytes, int maxHeaderBytes, long requestTimeoutMillis,
                          int retryAfterSeconds) {
    public HttpOptions {
        if (maxBodyBytes < 0 || maxInitialLineBytes < 64 || maxHeaderBytes < 256) {
            throw new IllegalArgumentException("need maxBodyBytes >= 0, maxInitialLineBytes >= 64, maxHeaderBytes >= 256");
        }
        if (requestTimeoutMillis <= 0 || retryAfterSeconds < 0) {
            throw new IllegalArgumentException("need requestTimeoutMillis > 0 and retryAfterSeconds >= 0");
        }
    }

    /** 1 MiB bodies, 8 KiB request line, 16 KiB headers, 10 s per request, retry after 1 s. */
    public static HttpOptions defaults() {
        return new HttpOptions(1 << 20, 8 << 10, 16 << 10, 10_000, 1);
    }

    public HttpOptions withMaxBodyBytes(int bytes) {
        return new HttpOptions(bytes, maxInitialLineBytes, maxHeaderBytes, requestTimeoutMillis, retryAfterSeconds);
    }

    public HttpOptions withRequestTimeoutMillis(long millis) {
        return new HttpOptions(maxBodyBytes, maxInitialLineBytes, maxHeaderBytes, millis, retryAfterSeconds);
    }
}
