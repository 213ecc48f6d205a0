package dev.duro.runtime.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-off measurement for docs/design-decisions.md ("SQLite in memory, rebuilt from snapshot +
 * log"): how long an object's store takes to recover when it is large. Runs only when asked:
 * {@code ./duro test -pl runtime-ref -am -Dtest=RecoveryTimeMeasurement -Dduro.measure=recovery
 * -Dsurefire.failIfNoSpecifiedTests=false}; prints its figures; asserts only what it rebuilt, never a time.
 */
@EnabledIfSystemProperty(named = "duro.measure", matches = "recovery")
class RecoveryTimeMeasurement {
    private static final int ROWS = 100_000;
    private static final int PER_BATCH = 1_000;
    private static final int TAIL_BATCHES = 10;

    @Test
    void kv100kRows() {
        String value = "v".repeat(100);
        measure("kv 100k rows x 100 B", (s, i) -> s.put(key(i), value + i), s -> s.get(key(ROWS - 1)).equals(value + (ROWS - 1)));
    }

    @Test
    void sqlTableOf50Mb() {
        String payload = "p".repeat(500);
        measure("sql 100k rows x 500 B", (s, i) -> {
            if (i == 0) s.sql().exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)");
            s.sql().exec("INSERT OR REPLACE INTO t VALUES (?, ?)", i % ROWS, payload + i);
        }, s -> s.sql().exec("SELECT count(*) AS n FROM t").one().get("n").equals((long) ROWS));
    }

    private interface Write {
        void row(ObjectStore s, int i);
    }

    private static String key(int i) {
        return "k" + String.format("%06d", i);
    }

    private static void measure(String what, Write write, java.util.function.Predicate<ObjectStore> rebuilt) {
        // snapshots every 50 batches: after 110 batches the newest covers batch 100, then a tail of 10 batches
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(50));
        ObjectStore s = h.open();
        int total = ROWS + TAIL_BATCHES * PER_BATCH; // the tail rewrites the first rows
        for (int i = 0; i < total; i++) {
            write.row(s, i);
            if ((i + 1) % PER_BATCH == 0) h.commit();
        }
        long size = s.sql().databaseSize();
        long t0 = System.nanoTime();
        ObjectStore fromSnapshot = h.open();
        long snapshotNanos = System.nanoTime() - t0;
        assertThat(rebuilt.test(fromSnapshot)).isTrue();
        h.log.snapshots.clear(); // the whole log, no snapshot
        t0 = System.nanoTime();
        ObjectStore fromLog = h.open();
        long logNanos = System.nanoTime() - t0;
        assertThat(rebuilt.test(fromLog)).isTrue();
        System.out.printf("%s: database %.1f MB; recovery from snapshot + %d batches %d ms; from the log alone (%d batches) %d ms%n",
                what, size / 1e6, TAIL_BATCHES, snapshotNanos / 1_000_000, total / PER_BATCH, logNanos / 1_000_000);
    }
}
