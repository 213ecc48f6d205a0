package dev.duro.deploy.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aNewDirectoryIsFormattedAndOpensAgainAfterClose() throws IOException {
        Path dir = tmp.resolve("n0");
        try (DataDirectory d = DataDirectory.open(dir, "n0 (test)")) {
            assertThat(d.diskRoot()).isDirectory();
            assertThat(Files.readString(dir.resolve(DataDirectory.FORMAT))).isEqualTo("duro-data-dir 1\n");
            assertThat(Files.readString(dir.resolve(DataDirectory.LOCK))).contains("n0 (test)");
        }
        Files.writeString(dir.resolve(DataDirectory.FORMAT_TEMP), "half"); // what a kill during formatting leaves
        try (DataDirectory d = DataDirectory.open(dir, "n0 (again)")) {
            assertThat(d.path()).isEqualTo(dir);
            assertThat(dir.resolve(DataDirectory.FORMAT_TEMP)).doesNotExist();
        }
    }

    @Test
    void aSecondNodeInThisProcessIsRefusedWithTheHoldersName() {
        Path dir = tmp.resolve("shared");
        try (DataDirectory first = DataDirectory.open(dir, "n0 (first)")) {
            assertThat(first.path()).isEqualTo(dir);
            assertThatThrownBy(() -> DataDirectory.open(dir, "n1 (second)"))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("is in use by n0 (first)");
        }
        DataDirectory.open(dir, "n1 (after the first closed)").close();
    }

    @Test
    void anotherProcessIsRefusedAndAKilledHoldersLockIsTakenOver() throws Exception {
        Path dir = tmp.resolve("contended");
        try (DataDirectory held = DataDirectory.open(dir, "n0 (this test)")) {
            assertThat(held.path()).isEqualTo(dir);
            assertThat(runHolder(dir)).startsWith("refused: ").contains("is in use by n0 (this test)");
        }
        Process holder = startHolder(dir);
        try {
            String first = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(first).as("the child took the lock").isEqualTo("locked");
            assertThatThrownBy(() -> DataDirectory.open(dir, "n0 (while the child holds it)"))
                    .hasMessageContaining("is in use by lock-holder test process");
        } finally {
            holder.destroyForcibly(); // SIGKILL: no cleanup runs in the child
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve(DataDirectory.LOCK)).as("the stale lock file stays").exists();
        DataDirectory.open(dir, "n0 (after the kill)").close();
    }

    @Test
    void newerUnknownAndForeignDirectoriesAreRefused() throws IOException {
        Path newer = Files.createDirectories(tmp.resolve("newer"));
        Files.writeString(newer.resolve(DataDirectory.FORMAT), "duro-data-dir 2\n");
        assertThatThrownBy(() -> DataDirectory.open(newer, "n0"))
                .hasMessageContaining("has format 2, written by a newer Duro; this build reads format 1");

        Path garbage = Files.createDirectories(tmp.resolve("garbage"));
        Files.writeString(garbage.resolve(DataDirectory.FORMAT), "hello\n");
        assertThatThrownBy(() -> DataDirectory.open(garbage, "n0")).hasMessageContaining("does not name a Duro data directory format");

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> DataDirectory.open(foreign, "n0"))
                .hasMessageContaining("is not a Duro data directory").hasMessageContaining("notes.txt");
        // a refusal releases the directory
        Files.writeString(newer.resolve(DataDirectory.FORMAT), "duro-data-dir 1\n");
        DataDirectory.open(newer, "n0").close();
    }

    private static Process startHolder(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static String runHolder(Path dir) throws Exception {
        Process p = startHolder(dir);
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the child finished").isTrue();
            return String.valueOf(line);
        } finally {
            p.destroyForcibly();
        }
    }
}
