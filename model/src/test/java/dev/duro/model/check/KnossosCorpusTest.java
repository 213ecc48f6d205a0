package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our own hand-derived Knossos EDN histories (src/test/resources/knossos). Each file's first line
 * states the model, the verdict, optionally the initial state and, for violations, the line of
 * the op that cannot be linearized; the comments below it give the derivation.
 */
class KnossosCorpusTest {
    private static final Pattern HEADER = Pattern.compile(
            "; model: (\\S+)\\s+verdict: (linearizable|violation)(?:\\s+failing-line: (\\d+))?(?:\\s+initial: (.+))?");

    @TestFactory
    Stream<DynamicTest> everyHandDerivedVerdictHolds() throws IOException, URISyntaxException {
        Path dir = Path.of(KnossosCorpusTest.class.getResource("/knossos").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".edn")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String text = Files.readString(f);
            Matcher m = HEADER.matcher(text.lines().findFirst().orElseThrow());
            assertThat(m.matches()).as("header of " + f).isTrue();
            History h = HistoryFormat.KNOSSOS_EDN.parse(text, f.getFileName().toString());
            CheckResult r = LinearizabilityChecker.check(h, Models.create(m.group(1), m.group(4)),
                    LinearizabilityChecker.Options.unbounded());
            assertThat(r.verdict()).isEqualTo(m.group(2).equals("linearizable") ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
            if (m.group(3) != null) {
                assertThat(r.counterexample().failing().line()).as("failing op line").isEqualTo(Integer.parseInt(m.group(3)));
            }
        }));
    }
}
