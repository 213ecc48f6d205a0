package dev.duro.scenarios.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import org.junit.jupiter.api.Test;

/** P3 on synthetic traces: outputs of an object never go back to an older fence once a newer one spoke. */
class SingleActivationCheckerTest {
    private static final String OTHER = "cd".repeat(32);

    @Test
    void aFailoverToANewerFenceWithNoOutputFromTheOldOnePasses() {
        SingleActivationChecker c = new Facts()
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.77")
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=2 fence=1.0.77")
                .on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=2 fence=2.2.5")
                .on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=ws-send seq=3 fence=2.2.5")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).isEmpty();
        assertThat(c.outputsJudged()).isEqualTo(4);
        assertThat(c.fenceChanges()).isEqualTo(1);
        assertThat(c.latestOutputNode()).isEqualTo(2);
    }

    @Test
    void aDeposedOwnerAnsweringAfterTheNewOneSpokeIsCaught() {
        SingleActivationChecker c = new Facts()
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.77")
                .on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=2 fence=2.2.5")
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.77")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).hasSize(1);
        Violation v = c.violations().get(0);
        assertThat(v.property()).isEqualTo(SingleActivationChecker.PROPERTY);
        assertThat(v.failureClass()).isEqualTo(FailureClass.SAFETY);
        // The report names the object, both fences, both nodes and both times.
        assertThat(v.message()).contains("abababababab").contains("n0 under fence 1.0.77").contains("#2 t=0.002000ms")
                .contains("n2 under the newer fence 2.2.5").contains("#1 t=0.001000ms");
    }

    @Test
    void fencesOrderByRoundThenNodeThenNonce() {
        // Same round, a higher node index wins: 3.1.9 is older than 3.2.0.
        SingleActivationChecker c = new Facts()
                .on(2, RuntimeTrace.OUTPUT, "epoch=4 kind=response seq=1 fence=3.2.0")
                .on(1, RuntimeTrace.OUTPUT, "epoch=9 kind=call seq=1 fence=3.1.9")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).extracting(Violation::property).containsExactly("P3");
    }

    @Test
    void objectsAreJudgedApart() {
        // An old fence on one object says nothing about another object's fences.
        SingleActivationChecker c = new Facts()
                .on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=5.2.1")
                .onObject(0, OTHER, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.1")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aCrashDoesNotForgiveAnOldFence() {
        SingleActivationChecker c = new Facts()
                .on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=2.2.5")
                .crash(2)
                .crash(0)
                .on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.77")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).extracting(Violation::property).containsExactly("P3");
    }

    @Test
    void singleNodeOutputsCarryNoFenceAndAreNotJudged() {
        SingleActivationChecker c = new Facts()
                .on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1")
                .on(RuntimeTrace.OUTPUT, "epoch=2 kind=response seq=1 fence=-")
                .feed(new SingleActivationChecker());
        assertThat(c.violations()).isEmpty();
        assertThat(c.outputsJudged()).isZero();
    }

    @Test
    void aMalformedFenceIsAnError() {
        assertThatThrownBy(() -> new Facts().on(RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=7")
                .feed(new SingleActivationChecker())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed fence");
    }

    @Test
    void manyViolationsAreCountedBeyondTheFirstTen() {
        Facts f = new Facts().on(2, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=2.2.5");
        for (int i = 0; i < 13; i++) f.on(0, RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.77");
        SingleActivationChecker c = f.feed(new SingleActivationChecker());
        assertThat(c.violations()).hasSize(11);
        assertThat(c.violations().get(10).message()).startsWith("3 more");
    }
}
