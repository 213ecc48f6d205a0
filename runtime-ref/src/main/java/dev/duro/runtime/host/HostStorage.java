package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.storage.ListOptions;
import dev.duro.model.storage.SqlCursor;
import dev.duro.model.storage.SqlStorage;
import dev.duro.model.storage.Storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * The storage an object sees: the activation's store, behind two checks the engine cannot make.
 * A call from an activation that has ended fails with RESET (a replaced instance finds out at its
 * next storage access). {@code setAlarm} on a class without an alarm handler fails with
 * NO_ALARM_HANDLER. {@code sync()} goes through the host's seal so the gates see every batch.
 */
final class HostStorage implements Storage {
    private final Activation activation;
    private final SqlStorage sql = new SqlStorage() {
        @Override
        public SqlCursor exec(String query, Object... binds) {
            return store().sql().exec(query, binds);
        }

        @Override
        public long databaseSize() {
            return store().sql().databaseSize();
        }
    };

    HostStorage(Activation activation) {
        this.activation = activation;
    }

    private Storage store() {
        activation.checkServing();
        return activation.store().storage();
    }

    @Override
    public Object get(String key) {
        return store().get(key);
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        return store().get(key, type);
    }

    @Override
    public SortedMap<String, Object> get(List<String> keys) {
        return store().get(keys);
    }

    @Override
    public void put(String key, Object value) {
        store().put(key, value);
    }

    @Override
    public void put(Map<String, ?> entries) {
        store().put(entries);
    }

    @Override
    public boolean delete(String key) {
        return store().delete(key);
    }

    @Override
    public int delete(List<String> keys) {
        return store().delete(keys);
    }

    @Override
    public SortedMap<String, Object> list(ListOptions options) {
        return store().list(options);
    }

    @Override
    public Optional<Long> getAlarm() {
        return activation.visibleAlarm(store().getAlarm());
    }

    @Override
    public void setAlarm(long scheduledMillis) {
        Storage s = store();
        Boolean capable = activation.constructed()
                ? Boolean.valueOf(activation.slot.alarmHandlerPresent(activation.instance()))
                : activation.host.alarmCapable(activation.key.namespace());
        if (Boolean.FALSE.equals(capable)) throw Activation.noAlarmHandler(activation.key.namespace());
        // Unknown only in the very first constructor of a namespace: checked when it returns.
        if (capable == null) activation.provisionalAlarmSet = true;
        s.setAlarm(scheduledMillis);
    }

    @Override
    public void deleteAlarm() {
        store().deleteAlarm();
    }

    @Override
    public <T> T transactionSync(Supplier<T> fn) {
        Storage s = store();
        activation.transactionDepth++;
        try {
            return s.transactionSync(fn);
        } finally {
            activation.transactionDepth--;
        }
    }

    @Override
    public void deleteAll() {
        store().deleteAll();
    }

    @Override
    public Promise<Void> sync() {
        activation.checkServing();
        return activation.sync();
    }

    @Override
    public SqlStorage sql() {
        activation.checkServing();
        return sql;
    }

    @Override
    public String currentBookmark() {
        Storage s = store();
        sealThroughHost();
        return s.currentBookmark();
    }

    @Override
    public String bookmarkForTime(long millis) {
        return store().bookmarkForTime(millis);
    }

    @Override
    public String restoreOnNextActivation(String bookmark) {
        Storage s = store();
        sealThroughHost();
        return s.restoreOnNextActivation(bookmark);
    }

    /**
     * The store seals pending writes itself before naming a bookmark; a batch sealed behind the
     * host's back is one the output gate never hears become durable. Seal here first, so the store
     * finds nothing pending (inside transactionSync it seals nothing anyway).
     */
    private void sealThroughHost() {
        if (activation.transactionDepth == 0) activation.sealNow();
        activation.checkServing(); // the seal may have failed at once and reset the activation
    }
}
