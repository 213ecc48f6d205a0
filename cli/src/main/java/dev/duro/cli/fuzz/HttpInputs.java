package dev.duro.cli.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Generated HTTP/1.1 and WebSocket input. Object routes name one of {@link #OBJECTS} fuzz objects,
 * so a long run exercises the same few objects instead of creating a million.
 */
final class HttpInputs {
    static final int OBJECTS = 16;
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE",
        "CONNECT", "BREW", "get", "G\u00c9T"};
    private static final String[] ROUTES = {"counter", "read", "kv", "kvread", "hello", "ws", "", "nope", "counter/", "..", "%2e%2e"};
    private static final String[] NO_OBJECT_ROUTES = {"hello", "nope", "counter/", "read/", "..", "%2e%2e", "COUNTER", "kv%2Fx"};
    private static final String[] NAME_PARTS = {"fuzz", "%00", "%ff", "%", "%%", "..", "/", "\u00e9", "\u4e2d", "%2F", "?", "#",
        "a".repeat(300), " ", "+", "\\", ";", "~"};
    private static final String[] HEADER_NAMES = {"X-Fuzz", "Accept", "Cookie", "Content-Type", "Expect", "Upgrade", "Connection",
        "Origin", "Range", "If-None-Match", "X-Forwarded-For", "Authorization", "Te", "Trailer", "Via", "Cache-Control"};

    private HttpInputs() {
    }

    static String object(SplittableRandom r) {
        return "fuzz-" + r.nextInt(OBJECTS);
    }

    /** A well-formed request the node must answer, keeping the connection open. */
    static byte[] odd(SplittableRandom r) {
        String method = METHODS[r.nextInt(METHODS.length)];
        if (method.equals("HEAD") || method.equals("CONNECT") || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) method = "GET";
        StringBuilder path = new StringBuilder("/").append(ROUTES[r.nextInt(ROUTES.length)]);
        switch (r.nextInt(4)) {
            case 0 -> path.append('/').append(object(r));
            case 1 -> { // odd names on routes that reach no object: a million inputs must not make a million objects
                path.setLength(0);
                path.append('/').append(NO_OBJECT_ROUTES[r.nextInt(NO_OBJECT_ROUTES.length)]).append('/');
                for (int i = r.nextInt(1, 4); i > 0; i--) path.append(NAME_PARTS[r.nextInt(NAME_PARTS.length)].replace(" ", "%20")
                        .replace("#", "%23").replace("?", "%3F").replace("\\", "%5C"));
            }
            case 2 -> path.append("/").append(object(r)).append("?echo");
            default -> path.append("?").append("q=").append(r.nextInt());
        }
        String p = path.toString().replaceAll("[^\\x21-\\x7e]", "%C3%A9");
        byte[] body = r.nextInt(4) == 0 ? printable(r, r.nextInt(0, 4096)) : new byte[0];
        StringBuilder h = new StringBuilder(method).append(' ').append(p).append(" HTTP/1.1\r\nHost: fuzz\r\n");
        for (int i = r.nextInt(0, 8); i > 0; i--) {
            String name = HEADER_NAMES[r.nextInt(HEADER_NAMES.length)];
            if (name.equals("Connection") || name.equals("Upgrade") || name.equals("Expect") || name.equals("Te")
                    || name.equals("Trailer")) name = "X-" + name;
            h.append(name).append(": ").append(new String(printable(r, r.nextInt(0, 200)), StandardCharsets.US_ASCII)).append("\r\n");
        }
        boolean chunked = body.length > 0 && r.nextBoolean();
        if (chunked) {
            h.append("Transfer-Encoding: chunked\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            int at = 0;
            while (at < body.length) {
                int n = Math.min(body.length - at, r.nextInt(1, 1024));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT")) h.append("Content-Length: ").append(body.length).append("\r\n");
        h.append("\r\n");
        return concat(h.toString().getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** A well-formed request with 1 to 8 byte-level mutations. */
    static byte[] mutated(SplittableRandom r) {
        byte[] b = odd(r);
        for (int i = r.nextInt(1, 9); i > 0 && b.length > 0; i--) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b = splice(b, at, 0, randomBytes(r, r.nextInt(1, 16)));
                case 3 -> b = splice(b, at, Math.min(b.length - at, r.nextInt(1, 32)), new byte[0]);
                case 4 -> b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + r.nextInt(1, 64))));
                case 5 -> b = splice(b, at, 0, new byte[] {(byte) "\r\n\0:; \t".charAt(r.nextInt(7))});
                default -> b = splice(b, at, 0, "\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return b;
    }

    static byte[] garbage(SplittableRandom r) {
        int n = r.nextInt(1, 2048);
        return r.nextBoolean() ? randomBytes(r, n) : printable(r, n);
    }

    /** A prefix of a well-formed request (at least one byte, never all of it). */
    static byte[] truncated(SplittableRandom r) {
        byte[] b = odd(r);
        return java.util.Arrays.copyOf(b, r.nextInt(1, b.length));
    }

    /** Requests at and past the front's limits. */
    static byte[] limits(SplittableRandom r) {
        String path = "/read/" + object(r);
        String s = switch (r.nextInt(12)) {
            case 0 -> "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 1 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n";
            case 2 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + "X-Many: 1\r\n".repeat(2_000) + "\r\n";
            case 3 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + "c".repeat(r.nextInt(0, 5000));
            case 4 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n";
            case 5 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n";
            case 6 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde";
            case 7 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
            case 8 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
            case 9 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n";
            case 10 -> "GET " + path + " HTTP/9.9\r\nHost: x\r\n\r\n";
            default -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        };
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The upgrade request of a WebSocket to a fuzz counter; {@code broken} drops or spoils a required header. */
    static byte[] upgrade(SplittableRandom r, String object, boolean broken) {
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        String version = "Sec-WebSocket-Version: 13\r\n";
        if (broken) {
            switch (r.nextInt(3)) {
                case 0 -> key = "";
                case 1 -> version = "Sec-WebSocket-Version: 12\r\n";
                default -> key = "Sec-WebSocket-Key: \r\n";
            }
        }
        return ("GET /ws/" + object + " HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + key + version + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** One client frame (masked unless told not to), RFC 6455 section 5.2. */
    static byte[] frame(int firstByte, byte[] payload, boolean masked, long declaredLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (declaredLength < 126) {
            out.write(mask | (int) declaredLength);
        } else if (declaredLength <= 0xFFFF) {
            out.write(mask | 126);
            out.write((int) (declaredLength >>> 8));
            out.write((int) declaredLength);
        } else {
            out.write(mask | 127);
            for (int i = 7; i >= 0; i--) out.write((int) (declaredLength >>> (8 * i)));
        }
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        if (masked) out.writeBytes(key);
        for (int i = 0; i < payload.length; i++) out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
        return out.toByteArray();
    }

    /** A frame that breaks the protocol, or (one time in three) a valid one. */
    static byte[] wsFrame(SplittableRandom r) {
        byte[] inc = "inc".getBytes(StandardCharsets.US_ASCII);
        return switch (r.nextInt(12)) {
            case 0, 1, 2, 3 -> frame(0x81, r.nextBoolean() ? inc : "read".getBytes(StandardCharsets.US_ASCII), true, r.nextBoolean() ? 3 : 4);
            case 4 -> frame(0x81, inc, false, 3);                                      // unmasked client frame
            case 5 -> frame(0x80 | 0x40 | 0x1, inc, true, 3);                          // RSV1 without an extension
            case 6 -> frame(0x80 | (3 + r.nextInt(5)), inc, true, 3);                  // reserved data opcode
            case 7 -> frame(0x89, randomBytes(r, 200), true, 200);                     // ping over 125 bytes
            case 8 -> frame(0x09, inc, true, 3);                                       // fragmented control frame
            case 9 -> frame(0x80, inc, true, 3);                                       // continuation with nothing to continue
            case 10 -> frame(0x81, new byte[] {(byte) 0xC3, (byte) 0x28}, true, 2);    // text that is not UTF-8
            default -> frame(0x82, new byte[0], true, Long.MAX_VALUE);                 // a 2^63-byte frame announced
        };
    }

    static byte[] printable(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(0x20, 0x7f);
        return b;
    }

    static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
