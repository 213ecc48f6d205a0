package dev.duro.model.object;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An HTTP-like request to an object. Header names are lower-cased and kept sorted, so a request
 * encodes to the same bytes every time. A WebSocket upgrade is a {@code GET} with the header
 * {@code upgrade: websocket}; the object accepts it with
 * {@link ObjectContext#acceptWebSocket(Request, String...)}.
 *
 * @param method  {@code GET}, {@code POST}, ... (upper case)
 * @param path    starts with {@code /}; may carry a query string
 * @param headers lower-case names, sorted
 * @param body    never null; empty for none
 */
public record Request(String method, String path, SortedMap<String, String> headers, byte[] body) {
    public Request {
        require(method != null && !method.isEmpty(), "request method must not be empty");
        require(path != null && path.startsWith("/"), "request path must start with '/', was %s", path);
        method = method.toUpperCase(Locale.ROOT);
        headers = normalise(headers);
        body = body == null ? new byte[0] : body;
    }

    public static Request get(String path) {
        return new Request("GET", path, null, null);
    }

    public static Request post(String path, String body) {
        return new Request("POST", path, null, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Request post(String path, byte[] body) {
        return new Request("POST", path, null, body);
    }

    /** A WebSocket upgrade request for {@code path}. */
    public static Request webSocketUpgrade(String path) {
        return new Request("GET", path, new TreeMap<>(Map.of("upgrade", "websocket")), null);
    }

    public Request withHeader(String name, String value) {
        TreeMap<String, String> h = new TreeMap<>(headers);
        h.put(name.toLowerCase(Locale.ROOT), value);
        return new Request(method, path, h, body);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isWebSocketUpgrade() {
        return "websocket".equalsIgnoreCase(header("upgrade"));
    }

    /** The path without its query string. */
    public String pathOnly() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** A query parameter's value (not URL-decoded beyond '+'), or null. */
    public String query(String name) {
        int q = path.indexOf('?');
        if (q < 0) return null;
        for (String part : path.substring(q + 1).split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (k.equals(name)) return eq < 0 ? "" : part.substring(eq + 1).replace('+', ' ');
        }
        return null;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    static SortedMap<String, String> normalise(Map<String, String> headers) {
        TreeMap<String, String> out = new TreeMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), java.util.Objects.requireNonNull(v, "header value")));
        }
        return Collections.unmodifiableSortedMap(out);
    }

    @Override
    public String toString() {
        return method + " " + path + (body.length == 0 ? "" : " (" + body.length + " bytes)");
    }

    private static void require(boolean ok, String format, Object... args) {
        if (!ok) throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, format, args));
    }
}
