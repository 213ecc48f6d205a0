package dev.duro.model.check;

import dev.duro.model.history.EdnHistoryParser;
import dev.duro.model.history.History;
import dev.duro.model.history.JepsenEtcdParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Porcupine corpus under {@code duro.testdata.dir} (the repository's testdata/): fails loudly when it is missing. */
final class PorcupineCorpus {
    private PorcupineCorpus() {}

    /** One row of verdicts.csv that has a test upstream. */
    record Row(String file, String model, boolean byKey, boolean expectLinearizable, double porcupineMedianS) {}

    static Path dir() {
        String testdata = System.getProperty("duro.testdata.dir");
        if (testdata == null) throw new IllegalStateException("system property duro.testdata.dir is not set (run the tests through Maven)");
        Path d = Path.of(testdata, "lin", "porcupine");
        if (!Files.isRegularFile(d.resolve("verdicts.csv"))) {
            throw new IllegalStateException("Porcupine corpus missing at " + d.toAbsolutePath());
        }
        return d;
    }

    static List<Row> rows() {
        try {
            List<String> lines = Files.readAllLines(dir().resolve("verdicts.csv"));
            List<Row> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f[3].equals("NO_TEST")) continue;
                rows.add(new Row(f[0], f[1], f[2].equals("by-key"), Boolean.parseBoolean(f[3]), Double.parseDouble(f[9])));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static History load(String file) {
        try {
            String text = Files.readString(dir().resolve(file), StandardCharsets.UTF_8);
            return file.startsWith("jepsen/") ? JepsenEtcdParser.parse(text, file)
                    : EdnHistoryParser.parse(text, file, EdnHistoryParser.Dialect.JEPSEN_KV);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Model model(Row row) {
        return row.file().startsWith("jepsen/") ? Models.create("cas-register", null) : Models.create("kv", null);
    }
}
