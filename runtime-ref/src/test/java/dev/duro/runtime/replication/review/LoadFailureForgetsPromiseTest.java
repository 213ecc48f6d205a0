package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.NoDiskDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: a replica whose state load fails once (a transient read error; {@link ReplicaLog#load()}
 * says "nothing changed, a later load may succeed") must not forget the epoch it durably promised.
 * ReplicaServer used to adopt a made-up damaged state with {@code promised = ZERO} for it, so the
 * next install from any epoch, however old, was accepted, acknowledged and given a lease: a deposed
 * owner's write got through a replica that had promised a newer owner.
 */
class LoadFailureForgetsPromiseTest {
    private static final ObjectId ID = ReplicationRig.id(41);
    private static final ObjectKey KEY = new ObjectKey(ReplicationRig.NS, ID);

    /** Fails the first load of every object, then behaves as the memory store. */
    private static final class FlakyStore implements ReplicaStore {
        final ReplicaStore inner;
        int failedLoads;

        FlakyStore(ReplicaStore inner) {
            this.inner = inner;
        }

        @Override
        public ReplicaLog open(String namespace, ObjectId id) {
            ReplicaLog log = inner.open(namespace, id);
            return new ReplicaLog() {
                boolean failed;

                @Override
                public Promise<ReplicaState> load() {
                    if (!failed) {
                        failed = true;
                        failedLoads++;
                        return log.load().flatMap(s -> {
                            throw new IllegalStateException("read error (transient, in test)");
                        });
                    }
                    return log.load();
                }

                @Override
                public Promise<Void> promise(Epoch epoch) {
                    return log.promise(epoch);
                }

                @Override
                public Promise<Void> install(Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries) {
                    return log.install(logEpoch, snapshot, entries);
                }

                @Override
                public Promise<Void> relabel(Epoch from, Epoch to, long adoptedSeq) {
                    return log.relabel(from, to, adoptedSeq);
                }

                @Override
                public Promise<Void> append(Epoch logEpoch, LogEntry entry) {
                    return log.append(logEpoch, entry);
                }

                @Override
                public Promise<Void> snapshot(Snapshot snapshot) {
                    return log.snapshot(snapshot);
                }

                @Override
                public Promise<Recovery> recoverAt(long seq) {
                    return log.recoverAt(seq);
                }
            };
        }

        @Override
        public Promise<List<ObjectId>> list(String namespace) {
            return inner.list(namespace);
        }
    }

    @Test
    void aReplicaThatFailedToLoadStillFencesEpochsBelowItsDurablePromise() {
        Epoch a = new Epoch(1, 0, 7);
        Epoch b = new Epoch(2, 1, 9);
        MemoryReplicaStore.Disk disk = new MemoryReplicaStore.Disk();
        // Durably: promised b (the new owner won), the log still the one a wrote.
        disk.states.put(KEY, new ReplicaState(b, a, Optional.empty(),
                List.of(ReplicationRig.entry(1, "a"), ReplicationRig.entry(2, "a")), false, ""));

        Simulation sim = new Simulation(Simulation.Options.seed(41));
        ReplicaServer[] server = new ReplicaServer[1];
        FlakyStore[] store = new FlakyStore[1];
        sim.addNode(world -> {
            store[0] = new FlakyStore(new MemoryReplicaStore(world, disk));
            Timing timing = Timing.of(ClusterConfig.of(3));
            server[0] = new ReplicaServer(world.self(), world.loop(), world.clock(), world.trace(), store[0], timing, true, false,
                    (k, r) -> { }, ReplicaServer.Peers.NONE);
        }, NoDiskDevice.FACTORY);
        sim.startAll();
        sim.run(sim.nowNanos() + Simulation.millis(1), Long.MAX_VALUE);

        List<Reply> answers = new ArrayList<>();
        World w = sim.node(0).world();
        // The deposed owner of a resends its install (the log plus its batch 3).
        List<LogEntry> log = List.of(ReplicationRig.entry(1, "a"), ReplicationRig.entry(2, "a"), ReplicationRig.entry(3, "a"));
        w.loop().execute(() -> server[0].handle(NodeId.of(1), new Install(new Route(5, 1, ReplicationRig.NS, ID), a,
                Optional.empty(), log, false), answers::add));
        sim.run(sim.nowNanos() + Simulation.millis(50), Long.MAX_VALUE);
        w.loop().execute(() -> server[0].handle(NodeId.of(1), new Install(new Route(5, 2, ReplicationRig.NS, ID), a,
                Optional.empty(), log, false), answers::add));
        sim.run(sim.nowNanos() + Simulation.millis(50), Long.MAX_VALUE);

        assertThat(store[0].failedLoads).as("the first load failed").isEqualTo(1);
        assertThat(answers).as("epoch a is below the durable promise b: nothing of a's may be acknowledged")
                .noneMatch(r -> r instanceof Message.Installed);
        assertThat(answers).as("once a load succeeds, the deposed owner is told it is fenced by b")
                .anyMatch(r -> r instanceof Message.Fenced f && f.promised().equals(b));
        assertThat(disk.states.get(KEY).lastSeq()).as("a's batch 3 is not on the replica").isEqualTo(2);
    }
}
