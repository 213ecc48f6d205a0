package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.storage.Storage;
import dev.duro.model.world.World;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.storage.ObjectStore;
import dev.duro.runtime.storage.StoreHooks;
import dev.duro.runtime.storage.StoreOptions;

import java.util.Optional;

/** Adapts the storage engine's {@link ObjectStore} to the host's {@link StoreEngine} seam. */
final class ObjectStoreEngine implements StoreEngine {
    private final World world;
    private final RuntimeConfig config;

    ObjectStoreEngine(World world, RuntimeConfig config) {
        this.world = world;
        this.config = config;
    }

    @Override
    public Promise<EngineStore> open(ObjectLog log, boolean alarmsAllowed, StoreEvents events) {
        StoreOptions options = new StoreOptions(config.storageSizeLimitBytes(), config.retentionMillis(), alarmsAllowed,
                config.snapshotEveryBatches());
        StoreHooks hooks = new StoreHooks() {
            @Override
            public void onWrite(String op) {
                events.onWrite(op);
            }

            @Override
            public void onAlarmChanged(Optional<Long> scheduledMillis) {
                events.onAlarmChanged(scheduledMillis);
            }
        };
        return ObjectStore.open(log, options, hooks, world.loop(), world.clock(), world.faultPoints()).map(Adapter::new);
    }

    private record Adapter(ObjectStore store) implements EngineStore {
        @Override
        public Storage storage() {
            return store;
        }

        @Override
        public boolean hasPendingWrites() {
            return store.hasPendingWrites();
        }

        @Override
        public long sealedSeq() {
            return store.sealedSeq();
        }

        @Override
        public long durableSeq() {
            return store.durableSeq();
        }

        @Override
        public Promise<Long> seal() {
            return store.seal();
        }

        @Override
        public boolean failed() {
            return store.failed();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
