package dev.duro.model.object;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An HTTP-like response. Header names lower-cased and sorted, as in {@link Request}.
 *
 * @param status 100..599; 101 answers an accepted WebSocket upgrade
 */
public record Response(int status, SortedMap<String, String> headers, byte[] body) {
    public Response {
        require(status >= 100 && status <= 599, "response status must be 100..599, was %d", status);
        headers = Request.normalise(headers);
        body = body == null ? new byte[0] : body;
    }

    public static Response ok(String body) {
        return new Response(200, null, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Response ok(byte[] body) {
        return new Response(200, null, body);
    }

    public static Response status(int status, String body) {
        return new Response(status, null, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The answer to an accepted WebSocket upgrade. */
    public static Response switchingProtocols() {
        return new Response(101, new TreeMap<>(Map.of("upgrade", "websocket")), null);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public boolean isOk() {
        return status >= 200 && status < 300;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return status + (body.length == 0 ? "" : " " + (body.length <= 64 ? bodyText() : body.length + " bytes"));
    }

    private static void require(boolean ok, String format, Object... args) {
        if (!ok) throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, format, args));
    }
}
