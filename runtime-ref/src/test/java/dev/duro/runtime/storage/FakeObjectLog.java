package dev.duro.runtime.storage;

import dev.duro.model.async.Promise;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An in-memory {@link ObjectLog} whose promises complete on a {@link ManualLoop}. Switches:
 * {@link #failAppends} (with {@link #appendFailure}), {@link #failSnapshots}, {@link #holdDurability}
 * (appends wait for {@link #releaseHeld()}); {@link #crash()} drops what is not durable, as a power
 * cut would. {@link #closes} counts {@link #close()} calls.
 */
final class FakeObjectLog implements ObjectLog {
    private final ManualLoop loop;
    final List<LogEntry> durable = new ArrayList<>();
    final List<Snapshot> snapshots = new ArrayList<>();
    private final List<LogEntry> held = new ArrayList<>();
    private final List<Promise<Void>> heldPromises = new ArrayList<>();
    boolean failAppends;
    RuntimeException appendFailure = new RuntimeException("injected append failure");
    boolean failSnapshots;
    boolean holdDurability;
    int appends;
    int closes;

    FakeObjectLog(ManualLoop loop) {
        this.loop = loop;
    }

    @Override
    public Promise<Recovery> recover() {
        Optional<Snapshot> snap = snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.getLast());
        long after = snap.map(Snapshot::seq).orElse(0L);
        return later(new Recovery(snap, durable.stream().filter(e -> e.seq() > after).toList(), marks()));
    }

    private List<Recovery.Mark> marks() {
        return durable.stream().map(e -> new Recovery.Mark(e.seq(), e.wallMillis())).toList();
    }

    @Override
    public Promise<Void> append(LogEntry entry) {
        appends++;
        long expected = (held.isEmpty() ? (durable.isEmpty() ? lastSnapshotSeq() : durable.getLast().seq()) : held.getLast().seq()) + 1;
        if (entry.seq() != expected) throw new AssertionError("append of " + entry.seq() + ", expected " + expected);
        if (failAppends) return Promise.failed(loop, appendFailure);
        if (holdDurability) {
            Promise<Void> p = Promise.on(loop);
            held.add(entry);
            heldPromises.add(p);
            return p;
        }
        durable.add(entry);
        return later(null);
    }

    private long lastSnapshotSeq() {
        return snapshots.isEmpty() ? 0 : snapshots.getLast().seq();
    }

    /** Makes every held append durable, in order. */
    void releaseHeld() {
        durable.addAll(held);
        held.clear();
        for (Promise<Void> p : heldPromises) loop.execute(() -> p.complete(null));
        heldPromises.clear();
    }

    /** Drops the appends that are not durable; their promises never complete. */
    void crash() {
        held.clear();
        heldPromises.clear();
    }

    @Override
    public Promise<Void> snapshot(Snapshot snapshot) {
        if (failSnapshots) return Promise.failed(loop, new RuntimeException("injected snapshot failure"));
        if (durable.stream().noneMatch(e -> e.seq() == snapshot.seq())) {
            throw new AssertionError("snapshot of batch " + snapshot.seq() + " before that batch is durable");
        }
        snapshots.add(snapshot);
        return later(null);
    }

    @Override
    public Promise<Recovery> recoverAt(long seq) {
        Snapshot snap = null;
        for (Snapshot s : snapshots) if (s.seq() <= seq) snap = s;
        long after = snap == null ? 0 : snap.seq();
        List<LogEntry> entries = durable.stream().filter(e -> e.seq() > after && e.seq() <= seq).toList();
        if (entries.isEmpty() ? after != seq : entries.getLast().seq() != seq) {
            return Promise.failed(loop, new IllegalStateException("batch " + seq + " is not retained"));
        }
        return later(new Recovery(Optional.ofNullable(snap), entries, marks()));
    }

    @Override
    public Promise<Void> destroy() {
        durable.clear();
        snapshots.clear();
        return later(null);
    }

    @Override
    public void close() {
        closes++;
    }

    private <T> Promise<T> later(T value) {
        Promise<T> p = Promise.on(loop);
        loop.execute(() -> p.complete(value));
        return p;
    }
}
