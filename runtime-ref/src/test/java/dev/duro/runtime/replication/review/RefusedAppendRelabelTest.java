package dev.duro.runtime.replication;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: a refused append did not stop the relabel queued behind it. Owner A's batches 1..6 are
 * acknowledged by two replicas; this one (R2, cut off) holds 1..2 labelled A. New owner E adopts
 * "A through 6" and installs it; R2 holds a prefix, so {@code ReplicaServer.extend} queues
 * append(A,3..6), relabel(A→E), append(E,7) at once. R2's disk is full for an instant: append(A,3)
 * is refused (NO_SPACE), 4..6 fail on the sequence check, the disk has room again, and the relabel
 * succeeded: R2 came back from a restart healthy, labelled E, holding 1..2. That breaks whole
 * adoption (docs/cluster.md, "Relabel", (W)): if E's try dies before it resends, the next election
 * ranks R2's (E, 2) above the (A, 6) of the replicas holding the acknowledged batches, adopts the
 * short log and installs it everywhere: batches 3..6 are gone (K2).
 *
 * <p>Cause: {@code DiskReplicaLog} ran every queued call whatever happened to the ones before it,
 * and {@code relabel} checked only the current label, not that the log holds the adopted batches.
 *
 * <p>Fix (docs/replica-store.md, "Order" and "Relabel"): a failed call fails the mutating calls
 * queued behind it without running them, and {@code relabel(from, to, adoptedSeq)} refuses a log
 * that does not end at the adopted batch. R2 stays labelled A with 1..2 and votes (A, 2); the next
 * owner's install extends it as usual.
 */
class RefusedAppendRelabelTest {
    private static final Epoch A = new Epoch(1, 0, 11);
    private static final Epoch E = new Epoch(2, 1, 12);
    private static final Epoch F = new Epoch(3, 0, 13);

    private ReplicaRig rig;
    private ReplicaServer server;
    private final List<Reply> answers = new ArrayList<>();
    private long requestId;

    @Test
    void aRefusedAppendCancelsTheRelabelQueuedBehindIt() {
        rig = new ReplicaRig(31, DiskFaultConfig.none(), LogOptions.defaults());
        startServer();
        // A installs its log; R2 then misses 3..6 (cut off), which R0 and R1 acknowledged.
        send(new Install(route(), A, Optional.empty(), log(A, 1, 2), false));
        assertThat(answers).as("A's install on R2").anyMatch(r -> r instanceof Installed i && i.lastSeq() == 2);

        // E adopted "A through 6" and installs it plus its own batch 7. R2's disk is full when the
        // install arrives and has room again before the next queued store call runs.
        List<LogEntry> adopted = new ArrayList<>(log(A, 1, 6));
        adopted.add(ReplicationRig.entry(7, "e"));
        answers.clear();
        rig.world.loop().execute(() -> {
            rig.device.setFull(true);
            server.handle(NodeId.of(1), new Install(route(), E, Optional.empty(), adopted, false, A, 6), answers::add);
            rig.device.setFull(false);
        });
        rig.runMillis(100);
        assertThat(rig.labels("disk-no-space")).as("append(A,3) was refused").isNotEmpty();
        assertThat(answers).as("E's install is not acknowledged: batch 3 was refused").noneMatch(r -> r instanceof Installed);

        // E's try dies before it resends; R2 restarts.
        rig.crashAndRestart();
        startServer();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).as("damaged: %s", state.damage()).isFalse();
        assertThat(state.logEpoch()).as("R2 holds 1..%d only: a label E would claim all that E adopted (through 6)",
                state.lastSeq()).isEqualTo(A);
        assertThat(state.lastSeq()).isEqualTo(2);

        // Safety: the next election's vote. Ranked against R0's (A, 6), R2's (A, 2) loses, so the
        // acknowledged batches 3..6 are adopted. Before the fix R2 answered (E, 2) and won.
        answers.clear();
        send(new Prepare(route(), F));
        assertThat(answers).as("R2 votes for F with the log it really holds").singleElement()
                .isInstanceOfSatisfying(Promised.class, p -> {
                    assertThat(p.logEpoch()).isEqualTo(A);
                    assertThat(p.lastSeq()).isEqualTo(2);
                });

        // Liveness: F adopted A through 6 from R0; its install extends R2 in place (append 3..6, relabel).
        answers.clear();
        send(new Install(route(), F, Optional.empty(), log(A, 1, 6), false, A, 6));
        assertThat(answers).as("F's install on R2").anyMatch(r -> r instanceof Installed i && i.lastSeq() == 6);
        rig.crashAndRestart();
        ReplicaState after = rig.load();
        assertThat(after.logEpoch()).isEqualTo(F);
        assertThat(ReplicationRig.payloads(new dev.duro.runtime.log.Recovery(after.snapshot(), after.entries(), List.of())))
                .containsExactly("a#1", "a#2", "a#3", "a#4", "a#5", "a#6");
    }

    private void startServer() {
        server = new ReplicaServer(rig.world.self(), rig.world.loop(), rig.world.clock(), rig.world.trace(), rig.store,
                Timing.of(ClusterConfig.of(3)), true, false, (k, r) -> { }, ReplicaServer.Peers.NONE);
    }

    private void send(Request request) {
        rig.world.loop().execute(() -> server.handle(NodeId.of(1), request, answers::add));
        rig.runMillis(100);
    }

    private Route route() {
        return new Route(7, ++requestId, ReplicaRig.NS, ReplicaRig.ID);
    }

    private static List<LogEntry> log(Epoch owner, long from, long to) {
        String tag = owner.equals(A) ? "a" : "e";
        List<LogEntry> out = new ArrayList<>();
        for (long s = from; s <= to; s++) out.add(ReplicationRig.entry(s, tag));
        return out;
    }
}
