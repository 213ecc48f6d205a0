package dev.duro.deploy.http;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

/**
 * A failure as the HTTP client sees it: a status and the body
 * {@code {"error":"OVERLOADED","message":"...","retryable":true}}.
 *
 * <table>
 * <caption>status per error code</caption>
 * <tr><th>code</th><th>status</th></tr>
 * <tr><td>MALFORMED_REQUEST, INVALID_ID, INVALID_LOCATION</td><td>400</td></tr>
 * <tr><td>UNKNOWN_NAMESPACE</td><td>404</td></tr>
 * <tr><td>OVERLOADED</td><td>429, Retry-After</td></tr>
 * <tr><td>UNAVAILABLE, MOVED, RESET</td><td>503, Retry-After</td></tr>
 * <tr><td>no answer within the request timeout</td><td>504 (code UNAVAILABLE: the outcome is unknown)</td></tr>
 * <tr><td>OBJECT_ERROR, and every other code</td><td>500</td></tr>
 * </table>
 *
 * @param status    the HTTP status
 * @param code      the error code's name
 * @param message   what went wrong, in one line
 * @param retryable whether the client may send it again (now for retryable codes, later for overloaded)
 */
public record ErrorReply(int status, String code, String message, boolean retryable) {
    /** The answer to a worker's or object's failure. */
    public static ErrorReply of(Throwable failure) {
        if (failure instanceof DuroException e) {
            ErrorCode c = e.code();
            return new ErrorReply(statusOf(c), c.name(), oneLine(e.getMessage()), c.retryable() || c.overloaded());
        }
        // a worker that threw something else: a bug in the worker, reported without its stack
        return new ErrorReply(500, ErrorCode.INTERNAL.name(), oneLine("the worker failed: " + failure), false);
    }

    static ErrorReply malformed(String message) {
        return new ErrorReply(400, ErrorCode.MALFORMED_REQUEST.name(), oneLine(message), false);
    }

    static ErrorReply tooLarge(int maxBodyBytes) {
        return new ErrorReply(413, ErrorCode.MALFORMED_REQUEST.name(), "the request body is larger than " + maxBodyBytes
                + " bytes", false);
    }

    static ErrorReply slowRequest(long millis) {
        return new ErrorReply(408, ErrorCode.MALFORMED_REQUEST.name(), "the request was not received within " + millis
                + " ms of its first byte; nothing ran", false);
    }

    static ErrorReply timeout(long millis) {
        return new ErrorReply(504, ErrorCode.UNAVAILABLE.name(), "no answer within " + millis
                + " ms; the outcome is unknown: the request may or may not have taken effect", true);
    }

    static ErrorReply draining(String node) {
        return new ErrorReply(503, ErrorCode.UNAVAILABLE.name(), node + " is shutting down; nothing ran; send it to another node",
                true);
    }

    static int statusOf(ErrorCode code) {
        return switch (code) {
            case MALFORMED_REQUEST, INVALID_ID, INVALID_LOCATION -> 400;
            case UNKNOWN_NAMESPACE -> 404;
            case OVERLOADED -> 429;
            case UNAVAILABLE, MOVED, RESET -> 503;
            default -> 500;
        };
    }

    /** Whether the answer carries Retry-After. */
    boolean retryAfter() {
        return status == 429 || status == 503;
    }

    /** The JSON body, one line with a newline. */
    String json() {
        return "{\"error\":" + quote(code) + ",\"message\":" + quote(message) + ",\"retryable\":" + retryable + "}\n";
    }

    private static String oneLine(String s) {
        if (s == null) return "";
        String line = s.replace('\r', ' ').replace('\n', ' ');
        return line.length() <= 1_000 ? line : line.substring(0, 997) + "...";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
