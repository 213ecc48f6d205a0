package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Loop;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * A log that starts empty and forgets everything: the state a runtime without an input gate
 * serves from while the real one loads. Used only by the planted bug {@code INPUT_GATE_OPEN}.
 */
final class VolatileEmptyLog implements ObjectLog {
    private final Loop loop;

    VolatileEmptyLog(Loop loop) {
        this.loop = loop;
    }

    @Override
    public Promise<Recovery> recover() {
        return Promise.succeeded(loop, new Recovery(Optional.empty(), List.of(), List.of()));
    }

    @Override
    public Promise<Void> append(LogEntry entry) {
        return Promise.succeeded(loop, null);
    }

    @Override
    public Promise<Void> snapshot(Snapshot snapshot) {
        return Promise.succeeded(loop, null);
    }

    @Override
    public Promise<Recovery> recoverAt(long seq) {
        return recover();
    }

    @Override
    public Promise<Void> destroy() {
        return Promise.succeeded(loop, null);
    }
}
