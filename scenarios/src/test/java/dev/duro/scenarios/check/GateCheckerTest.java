package dev.duro.scenarios.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.run.Violation;
import org.junit.jupiter.api.Test;

class GateCheckerTest {
    private static Facts recovered() {
        return new Facts().on(RuntimeTrace.RECOVER_BEGIN, "epoch=1").on(RuntimeTrace.RECOVER_END, "epoch=1 seq=4");
    }

    @Test
    void aResponseAfterItsWritesAreDurablePasses() {
        GateChecker c = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.EVENT_END, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5")
                .feed(new GateChecker());
        assertThat(c.violations()).isEmpty();
        assertThat(c.outputsChecked()).isEqualTo(1);
    }

    @Test
    void nodesAreJudgedApartForTheSameObjectAndEpochNumber() {
        // Two nodes of a cluster hold activations of one object with the same (host-local) epoch number:
        // n1 loading its state says nothing about n0's events, n1's crash forgets nothing of n0.
        GateChecker c = recovered()
                .on(1, RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .on(0, RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(0, RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(0, RuntimeTrace.SEAL, "epoch=1 seq=5")
                .crash(1)
                .on(1, RuntimeTrace.DURABLE, "epoch=1 seq=9")
                .on(0, RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5")
                .feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ));
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void anotherNodesDurableBatchDoesNotOpenThisNodesGate() {
        GateChecker c = recovered()
                .on(0, RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(0, RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(0, RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(1, RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5")
                .feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ));
        assertThat(c.violations()).extracting(Violation::property).containsExactly(GateChecker.OUTPUT);
    }

    @Test
    void aReadOnlyResponseNeedsNoNewBatch() {
        GateChecker c = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=4")
                .feed(new GateChecker());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void anOutputBeforeItsBatchIsDurableIsCaught() {
        GateChecker c = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ));
        assertThat(c.violations()).extracting(Violation::property).containsExactly(GateChecker.OUTPUT);
        assertThat(c.violations().get(0).message()).contains("batch 5").contains("up to 4");
    }

    @Test
    void aHeldOutputMustDeclareTheBatchHoldingTheWritesBeforeIt() {
        // The host's own claim is not trusted: the declared batch is older than the seal of a prior write.
        GateChecker c = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(RuntimeTrace.OUTPUT_HOLD, "epoch=1 kind=response seq=4")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=4")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ));
        assertThat(c.violations()).extracting(Violation::property).containsExactly(GateChecker.OUTPUT);
        assertThat(c.violations().get(0).message()).contains("declared batch 4").contains("batch 5");
    }

    @Test
    void anOutputHeldOverUnsealedWritesMustNotBeOvertakenByTheirSeal() {
        Facts ok = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=sql")
                .on(RuntimeTrace.OUTPUT_HOLD, "epoch=1 kind=response seq=5")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=5")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5");
        assertThat(ok.feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ)).violations()).isEmpty();
        Facts late = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=sql")
                .on(RuntimeTrace.OUTPUT_HOLD, "epoch=1 kind=response seq=5")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=6")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=6")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5");
        assertThat(late.feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ)).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("sealed only in batch 6"));
    }

    @Test
    void outputsLeaveInTheOrderTheyWereHeld() {
        GateChecker c = recovered()
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=5")
                .on(RuntimeTrace.OUTPUT_HOLD, "epoch=1 kind=response seq=5")
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=6")
                .on(RuntimeTrace.OUTPUT_HOLD, "epoch=1 kind=response seq=6")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=6")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=6")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=5")
                .feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ));
        assertThat(c.violations()).isNotEmpty().allSatisfy(v -> assertThat(v.message()).contains("out of order"));
    }

    @Test
    void anOutputOvertakingAnUnsealedWriteIsCaughtUnderTheStrictRuleOnly() {
        Facts f = recovered()
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=fetch")
                .on(RuntimeTrace.WRITE, "epoch=1 op=sql")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=ws-send seq=4");
        assertThat(f.feed(new GateChecker()).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("not even sealed").contains("sql"));
        assertThat(f.feed(new GateChecker(GateChecker.OutputRule.DECLARED_SEQ)).violations()).isEmpty();
    }

    @Test
    void aResetDropsUnsealedWritesSoTheErrorResponseMayLeave() {
        GateChecker c = recovered()
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .on(RuntimeTrace.RESET, "epoch=1 reason=log-failed")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=4")
                .feed(new GateChecker());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void anEventDuringRecoveryIsCaughtAndAfterItIsNot() {
        GateChecker bad = new Facts()
                .on(RuntimeTrace.RECOVER_BEGIN, "epoch=2")
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=2 event=fetch")
                .on(RuntimeTrace.RECOVER_END, "epoch=2 seq=0")
                .feed(new GateChecker());
        assertThat(bad.violations()).extracting(Violation::property).containsExactly(GateChecker.INPUT);
        GateChecker good = new Facts()
                .on(RuntimeTrace.RECOVER_BEGIN, "epoch=2")
                .on(RuntimeTrace.RECOVER_END, "epoch=2 seq=0")
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=2 event=fetch")
                .feed(new GateChecker());
        assertThat(good.violations()).isEmpty();
    }

    @Test
    void anotherEpochsEventDuringRecoveryIsNotThisGatesBusiness() {
        GateChecker c = new Facts()
                .on(RuntimeTrace.RECOVER_BEGIN, "epoch=3")
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=2 event=fetch")
                .feed(new GateChecker());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aCrashForgetsTheDeadIncarnationsPendingWrites() {
        GateChecker c = recovered()
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .crash(0)
                .on(RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .on(RuntimeTrace.RECOVER_END, "epoch=1 seq=4")
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=4")
                .feed(new GateChecker());
        assertThat(c.violations()).isEmpty();
        // Another node's crash forgets nothing of node 0.
        GateChecker other = recovered()
                .on(RuntimeTrace.WRITE, "epoch=1 op=put")
                .crash(1)
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=4")
                .feed(new GateChecker());
        assertThat(other.violations()).hasSize(1);
    }

    @Test
    void aMalformedFactIsAnError() {
        assertThatThrownBy(() -> RuntimeFact.parse(0, 0, 0, 1, RuntimeTrace.SEAL, "seq=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id=");
        assertThatThrownBy(() -> new Facts().on(RuntimeTrace.SEAL, "epoch=1").feed(new GateChecker()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
    }

    @Test
    void reportsAreCappedAndTheRestCounted() {
        Facts f = recovered().on(RuntimeTrace.WRITE, "epoch=1 op=put");
        for (int i = 0; i < 15; i++) f.on(RuntimeTrace.OUTPUT, "epoch=1 kind=ws-send seq=4");
        assertThat(f.feed(new GateChecker()).violations()).hasSize(GateChecker.MAX_REPORTED + 1)
                .last().satisfies(v -> assertThat(v.message()).startsWith("5 more"));
    }
}
