package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fault-point table of docs/runtime.md ("Fault points (BUGGIFY) and invariants") names exactly
 * the runtime's fault points: every {@code static final String FAULT_... = "name"} in runtime-ref's
 * main sources has a row, and every row names a point that exists. A point added without a row, or
 * a row left behind by a dropped point, fails here.
 */
class FaultPointTableTest {
    private static final Pattern CONSTANT = Pattern.compile("static final String FAULT_[A-Z0-9_]+ = \"([a-z0-9-]+)\"");
    private static final String TABLE_HEADER = "| name | where | what it does |";
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\|");

    @Test
    void theTableNamesExactlyTheRuntimesFaultPoints() throws IOException {
        Path root = repositoryRoot();
        TreeSet<String> inCode = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root.resolve("runtime-ref/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CONSTANT.matcher(Files.readString(f));
                while (m.find()) inCode.add(m.group(1));
            }
        }
        TreeSet<String> inTable = new TreeSet<>();
        boolean inside = false;
        for (String line : Files.readAllLines(root.resolve("docs/runtime.md"))) {
            if (line.equals(TABLE_HEADER)) {
                inside = true;
            } else if (inside && line.isBlank()) {
                break;
            } else if (inside) {
                Matcher m = ROW.matcher(line);
                if (m.find()) inTable.add(m.group(1));
            }
        }
        assertThat(inCode).as("fault points in runtime-ref's sources").hasSizeGreaterThanOrEqualTo(24);
        TreeSet<String> undocumented = new TreeSet<>(inCode);
        undocumented.removeAll(inTable);
        TreeSet<String> stale = new TreeSet<>(inTable);
        stale.removeAll(inCode);
        assertThat(undocumented).as("fault points without a row in docs/runtime.md's table").isEmpty();
        assertThat(stale).as("rows of docs/runtime.md's fault-point table naming no fault point in runtime-ref").isEmpty();
    }

    /** The module's directory (Maven runs tests there) or a parent of it: where docs/runtime.md is. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/runtime.md"))) dir = dir.getParent();
        assertThat(dir).as("a directory above %s holding docs/runtime.md", Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }
}
