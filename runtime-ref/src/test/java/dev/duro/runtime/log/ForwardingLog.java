package dev.duro.runtime.log;

import dev.duro.model.async.Promise;

/**
 * An {@link ObjectLog} that hands the five log operations to {@code inner} (tests subclass it to
 * fail or delay one of them). The interface's defaults (no fence, output always allowed) are not
 * forwarded: a wrapper that needs them overrides them, as a lease-holding log would.
 */
public class ForwardingLog implements ObjectLog {
    protected final ObjectLog inner;

    public ForwardingLog(ObjectLog inner) {
        this.inner = inner;
    }

    @Override
    public Promise<Recovery> recover() {
        return inner.recover();
    }

    @Override
    public Promise<Void> append(LogEntry entry) {
        return inner.append(entry);
    }

    @Override
    public Promise<Void> snapshot(Snapshot snapshot) {
        return inner.snapshot(snapshot);
    }

    @Override
    public Promise<Recovery> recoverAt(long seq) {
        return inner.recoverAt(seq);
    }

    @Override
    public Promise<Void> destroy() {
        return inner.destroy();
    }
}
