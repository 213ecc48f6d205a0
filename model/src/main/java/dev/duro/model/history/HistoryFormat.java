package dev.duro.model.history;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The history formats {@code duro check} reads, by command-line name. */
public enum HistoryFormat {
    /** Jepsen 0.0.x etcd register log lines (Porcupine's {@code test_data/jepsen}). */
    JEPSEN_ETCD("jepsen-etcd"),
    /** Jepsen KV op maps, one EDN map per line, {@code :key} and get/put/append. */
    JEPSEN_KV("jepsen-kv"),
    /** Knossos EDN histories with Knossos's preprocessing and nil-read semantics. */
    KNOSSOS_EDN("knossos-edn"),
    /** Duro's JSON-lines events ({@link DuroJsonLines}). */
    DURO_JSONL("duro-jsonl");

    private final String cliName;

    HistoryFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Parses {@code text}; errors are {@link HistoryFormatException}s naming {@code source} and the line. */
    public History parse(String text, String source) {
        return switch (this) {
            case JEPSEN_ETCD -> JepsenEtcdParser.parse(text, source);
            case JEPSEN_KV -> EdnHistoryParser.parse(text, source, EdnHistoryParser.Dialect.JEPSEN_KV);
            case KNOSSOS_EDN -> EdnHistoryParser.parse(text, source, EdnHistoryParser.Dialect.KNOSSOS);
            case DURO_JSONL -> DuroJsonLines.parse(text, source);
        };
    }

    /** The format named {@code name}, or {@link IllegalArgumentException} listing the known ones. */
    public static HistoryFormat byName(String name) {
        for (HistoryFormat f : values()) if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) return f;
        throw new IllegalArgumentException("unknown format '" + name + "' (known: " + String.join(", ", names()) + ")");
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(HistoryFormat::cliName).toList();
    }
}
