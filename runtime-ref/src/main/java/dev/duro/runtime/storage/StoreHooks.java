package dev.duro.runtime.storage;

import java.util.Optional;

/** What the object host hears from its {@link ObjectStore}, synchronously, on the loop. */
public interface StoreHooks {
    /**
     * Called for every write as it happens (op: put, delete, sql, set-alarm, delete-alarm,
     * delete-all, restore). The host traces it and schedules a seal at the end of the turn. A write
     * later rolled back by {@code transactionSync} has still been reported.
     */
    void onWrite(String op);

    /**
     * The effective alarm changed (setAlarm, deleteAlarm, deleteAll, or a transaction rollback that
     * undid one of those). The value is what {@link ObjectStore#getAlarm()} now returns.
     */
    void onAlarmChanged(Optional<Long> scheduledMillis);

    StoreHooks NONE = new StoreHooks() {
        @Override
        public void onWrite(String op) {
        }

        @Override
        public void onAlarmChanged(Optional<Long> scheduledMillis) {
        }
    };
}
