package dev.duro.cli.fuzz;

/** The classes of generated input, with their share of the run (weights sum to 100). */
enum InputKind {
    /** Well-formed HTTP/1.1 with odd methods, paths, names, ids, headers and bodies, on kept-alive connections. */
    HTTP_ODD("http-odd", 30),
    /** A well-formed request with 1 to 8 byte-level mutations. */
    HTTP_MUTATED("http-mutated", 25),
    /** Random bytes, binary or printable. */
    HTTP_GARBAGE("http-garbage", 8),
    /** A well-formed request cut short, then the client hangs up. */
    HTTP_TRUNCATED("http-truncated", 8),
    /** Requests at and past the limits: long lines, large headers, bodies, bad lengths, smuggling shapes, broken chunks. */
    HTTP_LIMITS("http-limits", 6),
    /** A WebSocket to a counter object, then frames that break RFC 6455 (and some that do not). */
    WEBSOCKET("websocket", 8),
    /** The node-to-node port: garbage, truncated and oversize frames, damaged frames, frames of another cluster. */
    NODE_UNAUTHENTICATED("node-foreign", 10),
    /** The node-to-node port with this cluster's key: well-signed frames whose messages are garbage. */
    NODE_SIGNED_GARBAGE("node-signed-garbage", 5);

    final String label;
    final int weight;

    InputKind(String label, int weight) {
        this.label = label;
        this.weight = weight;
    }

    static InputKind pick(int percent) {
        int acc = 0;
        for (InputKind k : values()) {
            acc += k.weight;
            if (percent < acc) return k;
        }
        throw new IllegalArgumentException("percent " + percent);
    }
}
