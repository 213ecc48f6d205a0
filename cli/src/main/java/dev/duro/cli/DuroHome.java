package dev.duro.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Duro checkout the CLI runs from, for files kept in the repository (test corpora).
 * The launcher passes it as {@code -Dduro.home}; otherwise it is found from the jar's location
 * ({@code <home>/cli/target/duro.jar}), and last the working directory.
 */
public final class DuroHome {
    private DuroHome() {}

    public static Path find() {
        String home = System.getProperty("duro.home");
        if (home != null && !home.isBlank()) return Path.of(home);
        try {
            Path code = Path.of(DuroHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("testdata"))) return p;
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // No code source to start from: fall through to the working directory.
        }
        return Path.of("").toAbsolutePath();
    }
}
