package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.storage.Storage;
import dev.duro.runtime.log.ObjectLog;

import java.util.Optional;

/**
 * The host's seam to the storage engine: what it needs of one object's store. Production uses
 * {@link ObjectStoreEngine} (the SQLite-backed {@code ObjectStore}); the seam exists so the host
 * depends on a handful of calls, not on the engine's construction details.
 */
interface StoreEngine {
    /**
     * Recovers the object's state from {@code log}. {@code events} hears every write and alarm
     * change made afterwards, synchronously inside the writing call.
     */
    Promise<EngineStore> open(ObjectLog log, boolean alarmsAllowed, StoreEvents events);

    /** One open store: the user-facing storage plus the batch bookkeeping the gates need. */
    interface EngineStore {
        Storage storage();

        boolean hasPendingWrites();

        long sealedSeq();

        long durableSeq();

        /** Seals the pending writes as batch {@code sealedSeq()+1}; completes when durable, fails if the log failed. */
        Promise<Long> seal();

        boolean failed();

        void close();
    }

    /** What the store reports to the host while user code writes. */
    interface StoreEvents {
        void onWrite(String op);

        void onAlarmChanged(Optional<Long> scheduledMillis);
    }
}
