package dev.duro.deploy.node;

import java.nio.file.Path;

/**
 * A second process for {@link DataDirectoryTest}: opens the data directory given as its argument,
 * prints "locked" or "refused: <message>", and, when locked, waits to be killed.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            DataDirectory.open(Path.of(args[0]), "lock-holder test process");
        } catch (DataDirectoryException e) {
            System.out.println("refused: " + e.getMessage());
            System.out.flush();
            return;
        }
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000); // killed long before
    }
}
