package dev.duro.runtime.storage;

import dev.duro.model.async.Promise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

    /** Seals and waits for durability. */
    long commit() {
        return await(store.seal());
    }

    /**
     * The database image with the header fields that count commits (file change counter at 24,
     * version-valid-for at 92) zeroed: replay groups a batch's writes in one transaction while the
     * live run commits each write, so only these counters may differ.
     */
    static byte[] masked(byte[] image) {
        byte[] b = image.clone();
        Arrays.fill(b, 24, 28, (byte) 0);
        Arrays.fill(b, 92, 96, (byte) 0);
        return b;
    }
}
