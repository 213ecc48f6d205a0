package dev.duro.runtime.storage;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A store on a manual loop and a fake log, with the helpers the tests share. */
final class Harness {
    final ManualLoop loop = new ManualLoop();
    final FakeObjectLog log = new FakeObjectLog(loop);
    final List<String> writes = new ArrayList<>();
    final List<Optional<Long>> alarmChanges = new ArrayList<>();
    StoreOptions options = StoreOptions.defaults(true);
    ObjectStore store;

    final StoreHooks hooks = new StoreHooks() {
        @Override
        public void onWrite(String op) {
            writes.add(op);
        }

        @Override
        public void onAlarmChanged(Optional<Long> scheduledMillis) {
            alarmChanges.add(scheduledMillis);
        }
    };

    Harness() {
    }

    Harness(StoreOptions options) {
        this.options = options;
    }

    /** Opens (or reopens, closing the old store) from the log. */
    ObjectStore open() {
        if (store != null) store.close();
        store = await(ObjectStore.open(log, options, hooks, loop, loop));
        return store;
    }

    <T> T await(Promise<T> p) {
        loop.drain();
        if (!p.isDone()) throw new AssertionError("promise did not complete: " + p);
        return p.value();
    }

    Throwable awaitFailure(Promise<?> p) {
        loop.drain();
        if (!p.isFailed()) throw new AssertionError("expected a failure: " + p);
        return p.failure();
    }

    /** Asserts that the store refuses {@code q} with {@code code} and that nothing changed: database, batch, write hooks. */
    void assertRefused(ErrorCode code, String q, Object... binds) {
        byte[] before = store.imageForTest();
        List<Mutation> pending = store.pendingForTest();
        int writesBefore = writes.size();
        KvTest.expect(code, () -> store.sql().exec(q, binds));
        assertThat(store.imageForTest()).as("database unchanged by: " + q).isEqualTo(before);
        assertThat(store.pendingForTest()).as("batch unchanged by: " + q).isEqualTo(pending);
        assertThat(writes).hasSize(writesBefore);
    }

    /**
     * Opens a store where batch 1 puts v=1, batch 2 v=2 and batch 3 asks to restore to batch 1,
     * then closes it. Returns the image after batch 3 (the request included).
     */
    byte[] requestRestoreToBatchOne() {
        ObjectStore s = open();
        s.put("v", 1L);
        commit();
        String first = s.currentBookmark();
        s.put("v", 2L);
        commit();
        s.restoreOnNextActivation(first);
        commit();
        byte[] image = s.imageForTest();
        s.close();
        return image;
    }

    /** How many durable batches consist of one mutation of {@code kind}. */
    long batchesOf(Class<? extends Mutation> kind) {
        return log.durable.stream().map(e -> BatchCodec.decode(e.payload()))
                .filter(b -> b.size() == 1 && kind.isInstance(b.getFirst())).count();
    }

    /** Seals and waits for durability. */
    long commit() {
        return await(store.seal());
    }

    /**
     * The database image with what is not state zeroed: the header fields that count commits (file
     * change counter at 24, version-valid-for at 92, the SQLite version that wrote it at 96) and the
     * contents of free pages (freelist leaf pages, and trunk pages past their entries). A live run
     * commits each write and rolls back failed ones, so a page it used and released may keep
     * stale bytes that a replay, which never made that write, leaves zero; every page in use,
     * the page count and the freelist itself must match exactly.
     */
    static byte[] masked(byte[] image) {
        byte[] b = image.clone();
        Arrays.fill(b, 24, 28, (byte) 0);
        Arrays.fill(b, 92, 100, (byte) 0);
        int pageSize = ((b[16] & 0xff) << 8) | (b[17] & 0xff);
        if (pageSize == 1) pageSize = 65536;
        long trunk = u32(b, 32);
        int guard = 0;
        while (trunk != 0 && guard++ < 1_000_000) {
            int base = (int) ((trunk - 1) * pageSize);
            long next = u32(b, base);
            int leaves = (int) u32(b, base + 4);
            for (int i = 0; i < leaves; i++) {
                long leaf = u32(b, base + 8 + 4 * i);
                Arrays.fill(b, (int) ((leaf - 1) * pageSize), (int) (leaf * pageSize), (byte) 0);
            }
            Arrays.fill(b, base + 8 + 4 * leaves, base + pageSize, (byte) 0);
            trunk = next;
        }
        return b;
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    /** Asserts two images are identical up to {@link #masked}; reports the first differing offset. */
    static void assertSameImage(byte[] actual, byte[] expected) {
        byte[] a = masked(actual);
        byte[] e = masked(expected);
        int diff = Arrays.mismatch(a, e);
        if (diff >= 0) {
            throw new AssertionError("database images differ at byte " + diff + " (page " + (diff / 4096 + 1) + ", if 4 KiB pages); "
                    + "lengths " + a.length + " vs " + e.length + "; freelist " + u32(a, 32) + "/" + u32(a, 36) + " vs "
                    + u32(e, 32) + "/" + u32(e, 36));
        }
    }
}
