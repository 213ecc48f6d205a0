package dev.duro.cli.node;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a latch the serving command waits on, so it can drain and return
 * its own exit status (0) instead of the JVM's 143/130 from a shutdown hook. Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported), the only way to handle a signal in Java.
 */
final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String name = "";

    StopSignal() {
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                name = "SIG" + s.getName();
                stop.countDown();
            });
        }
    }

    /** Blocks until a signal came; returns its name (e.g. SIGTERM). */
    String await() throws InterruptedException {
        stop.await();
        return name;
    }
}
