package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.NODES;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner's BUGGIFY fault points do what their documentation says, and only to remote
 * replicas where it says so: scenario sweeps rely on them to reach rare paths, so a fault point
 * that silently does nothing (or does something else) would leave those paths untested.
 */
class OwnerLogFaultPointTest {
    private final OwnerBench b = new OwnerBench();

    @Test
    void abdicatingAtAnAppendSendsTheBatchThenFailsItAndEndsTheHandle() {
        b.win();
        b.appendDurable(1, 1);
        b.firing.add(OwnerLog.FAULT_ABDICATE_AT_APPEND);
        long t = b.now();
        Promise<Void> p = b.append(2, 2).getFirst();
        assertThat(p).isNotNull();
        for (var n : NODES) assertThat(b.times(Append.class, n)).as("sent before giving up").endsWith(t);
        assertThat(p.isFailed()).isTrue();
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.RESET);
        assertThat(b.records("repl-abdicated")).singleElement().satisfies(r -> assertThat(r.detail()).contains("seq=2"));
        assertThat(b.closed).containsExactly(b.log);
        b.firing.clear();
        Promise<Void> later = b.on(() -> b.log.append(ReplicationRig.entry(3, "a")));
        assertThat(later.failure()).hasMessageContaining(OwnerLog.FAULT_ABDICATE_AT_APPEND);
    }

    /** A held append reaches a remote replica a prepare step and a tick late, as first made; the local one is not held. */
    @Test
    void aHeldAppendReachesRemoteReplicasAPrepareStepAndATickLate() {
        b.win();
        b.run(100 * MS);
        b.firing.add(OwnerLog.FAULT_APPEND_HOLD);
        long t = b.now();
        Epoch e = Epoch.parse(b.log.fence());
        b.append(1, 1);
        b.firing.clear();
        long late = t + b.timing.attemptNanos() + b.timing.resendNanos();
        b.runTo(late + ROUND_TRIP);
        assertThat(b.times(Append.class, N0)).containsExactly(t);
        // Unanswered, the batch is resent at the retry; the held copy lands later.
        assertThat(b.times(Append.class, N1)).containsExactly(t + b.timing.resendNanos(), late);
        assertThat(b.sent(Append.class, N1).getLast().epoch()).isEqualTo(e);
        Set<Long> ids = new HashSet<>();
        for (OwnerBench.Sent s : b.sent) assertThat(ids.add(s.request().route().requestId())).as("request ids unique: %s", s).isTrue();
    }

    @Test
    void aCatchUpCarriesOneBatchWhenTheFaultFires() {
        b.win();
        b.down(N2);
        b.appendDurable(1, 5);
        b.firing.add(OwnerLog.FAULT_CATCH_UP_ONE);
        b.up(N2);
        long back = b.now();
        b.run(b.timing.renewNanos() + b.timing.resendNanos());
        List<List<Long>> chunks = b.sentSince(back).stream().filter(s -> s.request() instanceof Append && s.to().equals(N2))
                .map(s -> OwnerBench.seqs((Append) s.request())).toList();
        assertThat(chunks).containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(4L), List.of(5L));
    }

    @Test
    void aDuplicatedInstallReachesEachRemoteReplicaTwice() {
        b.firing.add(OwnerLog.FAULT_INSTALL_DUP);
        long t0 = b.now();
        b.win();
        long at = t0 + 2 * ROUND_TRIP;
        assertThat(b.times(Install.class, N0)).containsExactly(at);
        assertThat(b.times(Install.class, N1)).containsExactly(at, at);
        assertThat(b.sent(Install.class, N2)).hasSize(2).allSatisfy(i -> assertThat(i).isNotNull());
    }

    @Test
    void aLostReleaseIsLostOnlyOnTheWayToRemoteReplicas() {
        b.win();
        b.firing.add(OwnerLog.FAULT_RELEASE_LOST);
        b.on(() -> {
            b.log.close();
            return null;
        });
        assertThat(b.sent(Release.class)).extracting(OwnerBench.Sent::to).containsExactly(N0);
    }

    /** A late renewal waits until a resend interval before the lease ends, and the lease never lapses. */
    @Test
    void aLateRenewalGoesJustBeforeTheLeaseEnds() {
        long won = b.win();
        b.firing.add(OwnerLog.FAULT_RENEW_LATE);
        b.run(3 * b.timing.leaseNanos());
        long leaseEnd = won - ROUND_TRIP + b.timing.ownerLeaseNanos();
        assertThat(b.times(Renew.class, N1).getFirst()).isEqualTo(leaseEnd - b.timing.resendNanos());
        assertThat(b.records("repl-lease-lost")).isEmpty();
        assertThat(b.on(b.log::outputAllowed)).isTrue();
    }

    /** An early resend: a tick inside the resend interval resends what is unanswered (here the renewal's tick). */
    @Test
    void anEarlyResendGoesOutAtATickInsideTheResendInterval() {
        long won = b.win();
        b.answerDelay = (n, a) -> a instanceof Appended && !n.equals(N0) ? 20 * MS : 0L;
        long renew = won + b.timing.renewNanos();
        b.runTo(renew - 10 * MS);
        b.append(1, 1);
        b.firing.add(OwnerLog.FAULT_RESEND_EARLY);
        b.runTo(renew + 30 * MS);
        assertThat(b.times(Append.class, N1)).containsExactly(renew - 10 * MS, renew);
        assertThat(b.times(Append.class, N0)).as("acknowledged: nothing to resend").containsExactly(renew - 10 * MS);
    }
}
