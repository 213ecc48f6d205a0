package dev.duro.scenarios.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BankChecksTest {
    private static final BankChecks.Transfer T1 = new BankChecks.Transfer("t0-1", "a0", "a1", 30);
    private static final BankChecks.Transfer T2 = new BankChecks.Transfer("t1-1", "a1", "a2", 50);
    private static final Map<String, BankChecks.Transfer> SENT = Map.of(T1.id(), T1, T2.id(), T2);

    private static BankChecks.Read read(String body) {
        return new BankChecks.Read(1, BankChecks.parseBalances(body));
    }

    @Test
    void consistentLedgerPasses() {
        List<Violation> v = BankChecks.check(3, 100, List.of(read("a0=70 a1=130 a2=100 transfers=1")), SENT, Set.of(T1.id()),
                read("a0=70 a1=80 a2=150 transfers=2"), List.of(T1, T2));
        assertThat(v).isEmpty();
    }

    @Test
    void aReadWhoseTotalDriftedIsCaught() {
        List<Violation> v = BankChecks.check(3, 100, List.of(read("a0=70 a1=100 a2=100 transfers=1")), SENT, Set.of(),
                null, null);
        assertThat(v).extracting(Violation::property).containsExactly("B1");
    }

    @Test
    void aNegativeBalanceIsCaught() {
        List<Violation> v = BankChecks.check(2, 100, List.of(read("a0=-10 a1=210")), SENT, Set.of(), null, null);
        assertThat(v).extracting(Violation::property).containsExactly("B1");
    }

    @Test
    void aLostAcknowledgedTransferIsCaught() {
        List<Violation> v = BankChecks.check(3, 100, List.of(), SENT, Set.of(T1.id(), T2.id()),
                read("a0=70 a1=130 a2=100"), List.of(T1));
        assertThat(v).extracting(Violation::property).containsExactly("B2");
    }

    @Test
    void balancesThatDoNotMatchTheTableAreCaught() {
        // Applied twice, recorded once: the money moved 60, the table says 30.
        List<Violation> v = BankChecks.check(3, 100, List.of(), SENT, Set.of(T1.id()), read("a0=40 a1=160 a2=100"), List.of(T1));
        assertThat(v).extracting(Violation::property).containsExactly("B4");
    }

    @Test
    void aTransferNobodySentIsCaught() {
        BankChecks.Transfer ghost = new BankChecks.Transfer("t9-9", "a0", "a1", 5);
        List<Violation> v = BankChecks.check(3, 100, List.of(), SENT, Set.of(), read("a0=95 a1=105 a2=100"), List.of(ghost));
        assertThat(v).extracting(Violation::property).containsExactly("B3");
    }
}
