package dev.duro.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A JMH score without an error estimate (too few iterations) is shown as such, never as "± NaN". */
class JmhScoreTest {
    @Test
    void aMissingErrorIsNotANumberButAReason() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        JmhLauncher.print(out, new JmhLauncher.Score("x.timerEvents", 2_500_000, Double.NaN), "kernel timer events", 2_000_000);
        JmhLauncher.print(out, new JmhLauncher.Score("x.messages", 600_000, 1234.4), "network messages", 0);
        out.flush();
        assertThat(text.toString()).doesNotContain("NaN")
                .contains("± n/a (an error estimate needs >= 3 measured iterations in all; see --iterations, --forks)  (target >= 2,000,000: met)")
                .contains("600,000 ops/s ± 1,234\n");
    }
}
