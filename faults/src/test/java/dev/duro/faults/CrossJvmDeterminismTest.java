package dev.duro.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * P7 across JVMs: the same seeds give the same digests in this JVM (tiered, JIT-compiled once warm)
 * and in forked JVMs that only interpret ({@code -Xint}) or stop at C1. {@code Math.log} and friends
 * may differ by an ulp between an intrinsic and the interpreter; a double that feeds a time or a
 * decision must come from {@code StrictMath}, and this is the test that says so.
 */
class CrossJvmDeterminismTest {
    private static final List<String> SEEDS = List.of("1", "42", "977");

    @Test
    void interpretedAndC1OnlyJvmsGiveTheDigestsOfThisOne() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Assumptions.assumeTrue(Files.isExecutable(java),
                "skipped: no java launcher at " + java + " to fork the cross-JVM determinism check with");
        List<String> expected = new ArrayList<>();
        for (String seed : SEEDS) expected.add(CrossJvmDigest.line(Long.parseLong(seed)));
        for (String mode : List.of("-Xint", "-XX:TieredStopAtLevel=1")) {
            assertThat(fork(java, mode)).as("digests with %s", mode).isEqualTo(expected);
        }
    }

    private static List<String> fork(Path java, String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.toString(), mode, "-Xshare:auto",
                "-Duser.language=tr", "-Duser.country=TR", // a default locale that breaks careless formatting
                "-cp", System.getProperty("java.class.path"), CrossJvmDigest.class.getName()));
        command.addAll(SEEDS);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // the child exits after its last line
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("forked JVM (%s) finished", mode).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("forked JVM (%s) failed:%n%s", mode, text).isZero();
        return text.lines().toList();
    }
}
