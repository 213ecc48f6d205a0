package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.world.World;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.ObjectLog;

/** Adapts the storage engine's {@code ObjectStore} to the host's {@link StoreEngine} seam. */
final class ObjectStoreEngine implements StoreEngine {
    private final World world;
    private final RuntimeConfig config;

    ObjectStoreEngine(World world, RuntimeConfig config) {
        this.world = world;
        this.config = config;
    }

    @Override
    public Promise<EngineStore> open(ObjectLog log, boolean alarmsAllowed, StoreEvents events) {
        // Until the storage engine lands on this branch.
        return Promise.failed(world.loop(), new UnsupportedOperationException("ObjectStore not merged yet"));
    }
}
