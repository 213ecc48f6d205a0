package dev.duro.model.history;

/** Malformed history input; the message is one line: {@code file:line: what was expected}. */
public final class HistoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;

    public HistoryFormatException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }
}
