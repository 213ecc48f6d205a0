package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.log.ForwardingLog;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output gate's lease check (single activation, P3) on a fenced log, as a cluster's log is:
 * outputs leave only while the lease holds, wait for its renewal, and a lost epoch resets.
 */
class ActivationLeaseTest {
    static final String FENCE = "3.1.9";

    /** The lease every log of the rig reports; the test flips it and completes the renewal. */
    static final class Lease {
        boolean allowed = true;
        int awaits;
        Promise<Void> renewal;
        HostRig rig;

        void renew() {
            rig.start(x -> {
                allowed = true;
                renewal.complete(null);
                return Promise.succeeded(x.world.loop(), null);
            });
        }
    }

    /** The disk log, fenced and leased as {@code lease} says. */
    private record LeasedLogs(LogStore inner, Lease lease) implements LogStore {
        @Override
        public ObjectLog open(String namespace, ObjectId id) {
            ObjectLog log = inner.open(namespace, id);
            return new ForwardingLog(log) {
                @Override
                public String fence() {
                    return FENCE;
                }

                @Override
                public boolean outputAllowed() {
                    return lease.allowed;
                }

                @Override
                public Promise<Void> awaitOutputAllowed() {
                    lease.awaits++;
                    lease.renewal = Promise.on(lease.rig.world.loop());
                    return lease.renewal;
                }
            };
        }

        @Override
        public Promise<List<ObjectId>> list(String namespace) {
            return inner.list(namespace);
        }
    }

    static HostRig leasedRig(long seed, Lease lease) {
        HostRig rig = new HostRig(seed, HostRig.config(), new Scripted().plain(NS));
        lease.rig = rig;
        rig.logWrapper = logs -> new LeasedLogs(logs, lease);
        rig.crash();
        rig.restart();
        return rig;
    }

    @Test
    void outputsAndRecoveryNameTheFence() {
        HostRig rig = leasedRig(901, new Lease());
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        assertThat(rig.trace(RuntimeTrace.RECOVER_END)).last().asString().endsWith("seq=0 fence=" + FENCE);
        assertThat(rig.trace(RuntimeTrace.OUTPUT_HOLD)).last().asString().endsWith("kind=response seq=1");
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).last().asString().endsWith("kind=response seq=1 fence=" + FENCE);
    }

    @Test
    void aResponseWaitsWhileTheLeaseIsLapsedAndLeavesWhenItIsRenewed() {
        Lease lease = new Lease();
        HostRig rig = leasedRig(902, lease);
        rig.fetch("a", "/inc");
        lease.allowed = false;
        Promise<Response> p = rig.fetchAsync("a", Request.get("/get"));
        rig.runMillis(50);
        assertThat(p.isDone()).as("held: no lease").isFalse();
        assertThat(lease.awaits).as("the host asked for the renewal once").isEqualTo(1);
        lease.renew();
        rig.runMillis(5);
        assertThat(p.isDone()).isTrue();
        assertThat(p.value().bodyText()).isEqualTo("1");
        assertThat(rig.trace(RuntimeTrace.RESET)).isEmpty();
    }

    @Test
    void aResponseWhoseWriteBecameDurableAfterTheLeaseLapsedWaitsForTheRenewal() {
        Lease lease = new Lease();
        HostRig rig = leasedRig(903, lease);
        rig.fetch("a", "/get");
        rig.device.slowFsync(100);
        Promise<Response> p = rig.fetchAsync("a", Request.get("/inc"));
        rig.runMillis(2);
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(1);
        lease.allowed = false; // lapses while the batch is being written
        rig.runMillis(300);
        assertThat(rig.trace(RuntimeTrace.DURABLE)).hasSize(1);
        assertThat(p.isDone()).as("durable, but no lease").isFalse();
        assertThat(lease.awaits).isEqualTo(1);
        lease.renew();
        rig.runMillis(5);
        assertThat(p.value().bodyText()).isEqualTo("1");
    }

    @Test
    void aLostEpochResetsTheActivationAndFailsTheHeldResponse() {
        Lease lease = new Lease();
        HostRig rig = leasedRig(904, lease);
        rig.fetch("a", "/inc");
        lease.allowed = false;
        Promise<Response> p = rig.fetchAsync("a", Request.get("/get"));
        rig.runMillis(5);
        rig.start(x -> {
            lease.renewal.fail(new DuroException(ErrorCode.RESET, "epoch lost (test)"));
            return Promise.succeeded(x.world.loop(), null);
        });
        rig.runMillis(5);
        assertThat(p.isFailed()).isTrue();
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.RESET);
        assertThat(rig.trace(RuntimeTrace.RESET)).singleElement().asString().endsWith("reason=epoch-lost");
    }
}
