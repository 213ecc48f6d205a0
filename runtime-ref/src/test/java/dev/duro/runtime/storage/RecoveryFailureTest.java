package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When what the log holds does not rebuild (a batch that does not replay, an image that is not a
 * database), open fails, with INTERNAL and a message naming what failed, and closes what it opened;
 * so does a restore whose target does not rebuild. A restore that cannot be logged fails with the
 * log's RESET.
 */
class RecoveryFailureTest {
    private static final byte[] NOT_A_DATABASE = "not an SQLite database image; ".repeat(200).getBytes(StandardCharsets.UTF_8);

    private static LogEntry unreplayable(long seq) {
        return new LogEntry(seq, 0, BatchCodec.encode(List.of(new Mutation.Sql("INSERT INTO nope VALUES (1)", List.of()))));
    }

    /** Opens from the log, expecting a failure; the failed open must have closed the log handle. */
    private static Throwable failedOpen(Harness h) {
        int closes = h.log.closes;
        Throwable failure = h.awaitFailure(ObjectStore.open(h.log, h.options, h.hooks, h.loop, h.loop));
        assertThat(h.log.closes).as("the failed open closed the log").isEqualTo(closes + 1);
        return failure;
    }

    private static void assertFailure(Throwable t, ErrorCode code, String messageStart) {
        assertThat(t).isInstanceOfSatisfying(DuroException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).startsWith(messageStart);
        });
    }

    @Test
    void aBatchThatDoesNotReplayFailsOpenWithInternal() {
        Harness h = new Harness();
        h.open().put("a", 1L);
        h.commit();
        h.store.close();
        h.log.durable.add(unreplayable(2));
        assertFailure(failedOpen(h), ErrorCode.INTERNAL, "batch 2 does not replay");
    }

    @Test
    void aSnapshotThatIsNotADatabaseFailsOpenWithInternal() {
        Harness h = new Harness();
        h.log.snapshots.add(new Snapshot(0, 0, NOT_A_DATABASE));
        assertFailure(failedOpen(h), ErrorCode.INTERNAL, "recovering the object's state failed");
    }

    @Test
    void aRestoreTargetThatDoesNotReplayFailsOpenWithInternal() {
        Harness h = new Harness();
        byte[] requested = h.requestRestoreToBatchOne();
        h.log.snapshots.add(new Snapshot(3, 0, requested)); // recovery itself no longer needs batch 1...
        h.log.durable.set(0, unreplayable(1)); // ...but the restore does
        assertFailure(failedOpen(h), ErrorCode.INTERNAL, "batch 1 does not replay");
    }

    @Test
    void aRestoreFromASnapshotThatIsNotADatabaseFailsOpenWithInternal() {
        Harness h = new Harness();
        byte[] requested = h.requestRestoreToBatchOne();
        h.log.snapshots.add(new Snapshot(1, 0, NOT_A_DATABASE));
        h.log.snapshots.add(new Snapshot(3, 0, requested));
        assertFailure(failedOpen(h), ErrorCode.INTERNAL, "restoring to batch 1 failed");
    }

    @Test
    void aRestoreThatCannotBeLoggedFailsOpenWithReset() {
        Harness h = new Harness();
        h.requestRestoreToBatchOne();
        h.log.failAppends = true;
        assertFailure(failedOpen(h), ErrorCode.RESET, "the object's storage log failed");
    }
}
