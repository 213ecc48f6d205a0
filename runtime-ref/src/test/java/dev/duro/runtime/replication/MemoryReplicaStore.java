package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.World;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A {@link ReplicaStore} for protocol tests: the "disk" is a {@link Disk} the test keeps across a
 * node's incarnations. Each call completes after a short seeded delay, in call order, and takes
 * effect on the disk only when it completes: a crash before that leaves the old state, as the
 * contract allows. It checks the contract's preconditions, so a protocol bug that writes out of
 * order fails the write (and shows up as a missing acknowledgement) instead of passing silently.
 */
final class MemoryReplicaStore implements ReplicaStore {
    /** What survives a crash. */
    static final class Disk {
        final TreeMap<ObjectKey, ReplicaState> states = new TreeMap<>();
        /** Set by {@link #loseEverything()}: objects not installed since load as damaged. */
        boolean lost;
        long writes;
        long refusedWrites;

        /** The disk was replaced by an empty one. */
        void loseEverything() {
            states.clear();
            lost = true;
        }

        /** A checksum failure on this object's copy. */
        void corrupt(ObjectKey key) {
            ReplicaState s = states.getOrDefault(key, ReplicaState.empty());
            states.put(key, new ReplicaState(s.promised(), s.logEpoch(), s.snapshot(), s.entries(), true, "checksum mismatch in test"));
        }
    }

    private final World world;
    private final Disk disk;
    private final dev.duro.model.world.Entropy delays;

    MemoryReplicaStore(World world, Disk disk) {
        this.world = world;
        this.disk = disk;
        this.delays = world.entropy().derive("memory-replica-disk");
    }

    @Override
    public ReplicaLog open(String namespace, ObjectId id) {
        return new Log(new ObjectKey(namespace, id));
    }

    @Override
    public Promise<List<ObjectId>> list(String namespace) {
        List<ObjectId> out = new ArrayList<>();
        for (ObjectKey k : disk.states.keySet()) if (k.namespace().equals(namespace)) out.add(k.id());
        return Promise.succeeded(world.loop(), out);
    }

    private final class Log implements ReplicaLog {
        private final ObjectKey key;
        private long lastDoneNanos;

        Log(ObjectKey key) {
            this.key = key;
        }

        private ReplicaState current() {
            ReplicaState s = disk.states.get(key);
            if (s != null) return s;
            // A lost disk: no record of this object, so what it promised is unknown.
            return disk.lost ? new ReplicaState(Epoch.ZERO, Epoch.ZERO, Optional.empty(), List.of(), true, "disk lost", true)
                    : ReplicaState.empty();
        }

        /** Runs {@code op} after a short delay, after every earlier call on this log. */
        private <T> Promise<T> later(java.util.function.Supplier<T> op) {
            Promise<T> p = Promise.on(world.loop());
            long now = world.clock().monotonicNanos();
            long at = Math.max(now, lastDoneNanos) + 100_000 + delays.nextLong(1_500_000);
            lastDoneNanos = at;
            world.loop().schedule(at - now, () -> {
                try {
                    p.complete(op.get());
                } catch (RuntimeException e) {
                    p.fail(e);
                }
            });
            return p;
        }

        private Promise<Void> write(UnaryOperator<ReplicaState> change) {
            return later(() -> {
                ReplicaState next;
                try {
                    next = change.apply(current());
                } catch (RuntimeException e) {
                    disk.refusedWrites++;
                    throw e;
                }
                disk.states.put(key, next);
                disk.writes++;
                return null;
            });
        }

        @Override
        public Promise<ReplicaState> load() {
            return later(() -> {
                ReplicaState s = current();
                // As the disk store does: damage found on load is a trace fact.
                if (s.damaged()) world.trace().record("repl-damaged", "id=" + key.id().hex() + " reason=" + s.damage().replace(' ', '-'));
                return s;
            });
        }

        @Override
        public Promise<Void> promise(Epoch epoch) {
            return write(s -> {
                check(epoch.isAfter(s.promised()), "promise " + epoch + " not after " + s.promised());
                return new ReplicaState(epoch, s.logEpoch(), s.snapshot(), s.entries(), s.damaged(), s.damage());
            });
        }

        @Override
        public Promise<Void> install(Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries) {
            return write(s -> new ReplicaState(logEpoch.isAfter(s.promised()) ? logEpoch : s.promised(), logEpoch, snapshot, entries,
                    false, ""));
        }

        @Override
        public Promise<Void> relabel(Epoch from, Epoch to, long adoptedSeq) {
            return write(s -> {
                check(!s.damaged(), "relabel of a damaged copy");
                check(s.logEpoch().equals(from) && !from.equals(Epoch.ZERO), "relabel from " + from + " of a log of " + s.logEpoch());
                check(to.isAfter(from), "relabel from " + from + " to the older " + to);
                check(s.lastSeq() == adoptedSeq, "relabel to " + to + " of a log ending at " + s.lastSeq() + ", adopted through " + adoptedSeq);
                return new ReplicaState(to.isAfter(s.promised()) ? to : s.promised(), to, s.snapshot(), s.entries(), false, "");
            });
        }

        @Override
        public Promise<Void> append(Epoch logEpoch, LogEntry entry) {
            return write(s -> {
                check(s.logEpoch().equals(logEpoch), "append under " + logEpoch + " to a log of " + s.logEpoch());
                check(entry.seq() == s.lastSeq() + 1, "append of " + entry.seq() + " after " + s.lastSeq());
                check(!s.damaged(), "append to a damaged copy");
                List<LogEntry> next = new ArrayList<>(s.entries());
                next.add(entry);
                return new ReplicaState(s.promised(), s.logEpoch(), s.snapshot(), next, false, "");
            });
        }

        @Override
        public Promise<Void> snapshot(Snapshot snapshot) {
            return write(s -> {
                check(snapshot.seq() <= s.lastSeq(), "snapshot " + snapshot.seq() + " beyond the last batch " + s.lastSeq());
                List<LogEntry> next = new ArrayList<>();
                for (LogEntry e : s.entries()) if (e.seq() > snapshot.seq()) next.add(e);
                return new ReplicaState(s.promised(), s.logEpoch(), Optional.of(snapshot), next, s.damaged(), s.damage());
            });
        }

        @Override
        public Promise<Recovery> recoverAt(long seq) {
            return later(() -> {
                ReplicaState s = current();
                long snap = s.snapshot().map(Snapshot::seq).orElse(0L);
                if (seq < snap || seq > s.lastSeq()) throw new IllegalArgumentException("batch " + seq + " is not retained");
                List<LogEntry> upTo = new ArrayList<>();
                for (LogEntry e : s.entries()) if (e.seq() <= seq) upTo.add(e);
                return new Recovery(s.snapshot(), upTo, List.of());
            });
        }

        private void check(boolean ok, String what) {
            if (!ok) throw new IllegalStateException("replica store contract broken for " + key + ": " + what);
        }
    }
}
