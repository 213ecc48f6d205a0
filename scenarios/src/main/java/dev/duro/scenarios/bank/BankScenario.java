package dev.duro.scenarios.bank;

import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.scenarios.frame.ObjectWorld;
import dev.duro.scenarios.frame.Timeline;
import dev.duro.sim.Simulation;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A bank ledger on the SQL API ({@link LedgerObject}): 2–3 clients move money between 3–6 accounts
 * in transactions that roll back on overdraft, and read balances, under the nemesis of
 * {@link ObjectWorld}. Properties B1–B4 ({@link BankChecks}): the total is invariant and no balance
 * goes negative in any read, every acknowledged transfer is in the final table, nothing is in it
 * that was not sent, and the final balances are the opening ones plus exactly the recorded
 * transfers; B5 (P6) the ledger answers the final reads. P4, P5 from the trace. Not checked:
 * linearizability of balance reads (the reads' totals and signs are what is judged).
 */
public final class BankScenario extends ObjectScenario {
    public static final String NAME = "bank";
    static final String NAMESPACE = "LEDGERS";
    static final String LEDGER = "ledger";

    private static final String DESCRIPTION =
            "a SQL bank ledger with transfers in rollback-on-overdraft transactions under node crashes, disk and "
            + "network faults; checks the invariant total, no negative balance, and exactly-once durable transfers";

    public BankScenario() {
        this(Set.of());
    }

    public BankScenario(Set<PlantedBug> bugs) {
        super(NAME, DESCRIPTION, 70, bugs);
    }

    @Override
    protected ScenarioRun setUp(Setup s) {
        Timeline t = s.timeline();
        SeededEntropy p = s.params();
        long evictMs = p.between(1_000, 6_000);
        int accounts = (int) p.between(3, 6);
        // Workload variant, on its own stream so the other draws stay put: sync() inside the transfer's transaction.
        boolean syncInside = s.params().derive("variant").chance(0.5);
        ObjectWorld w = s.world(new NamespaceBinding(NAMESPACE, ctx -> new LedgerObject(ctx, accounts, syncInside)),
                ObjectWorld.runtimeConfig(evictMs, 10_000, 2_000, bugs));
        int clients = w.clients((int) p.between(2, 3));
        long intervalMs = p.between(20, 80);
        long timeoutMs = p.between(300, 1_000);
        long maxAmount = p.between(10, 80);
        List<BankClient> cs = w.addClients(clients, i -> new BankClient(i, w::nowNanos, Simulation.millis(timeoutMs),
                LoopClient.Pace.of(intervalMs, t, i), new BankClient.Settings(accounts, maxAmount)));
        w.params().put("workload", clients + " clients, " + accounts + " accounts of " + LedgerObject.INITIAL_BALANCE
                + ", transfers of 1.." + maxAmount + " (75%) and balance reads, an op every ~" + intervalMs
                + "ms per client, timeout " + timeoutMs + "ms, evict idle after " + evictMs + "ms");
        if (syncInside) w.params().put("variant", "sync() inside each transfer's transactionSync, answered when it completes");
        w.start();
        return w.run(reason -> {
            Map<String, BankChecks.Transfer> sent = new LinkedHashMap<>();
            Set<String> acked = new TreeSet<>();
            List<BankChecks.Read> reads = new ArrayList<>();
            int refused = 0;
            int unknown = 0;
            for (BankClient c : cs) {
                sent.putAll(c.sent());
                acked.addAll(c.acknowledged());
                reads.addAll(c.reads());
                refused += c.refused();
                unknown += c.unknown();
            }
            BankClient reader = cs.get(0);
            List<Violation> out = new ArrayList<>(BankChecks.check(accounts, LedgerObject.INITIAL_BALANCE, reads, sent, acked,
                    reader.finalBalances(), reader.finalTable()));
            if (w.livenessJudged(reason) && (reader.finalBalances() == null || reader.finalTable() == null)) {
                out.add(w.unanswered("B5", "the ledger's final reads"));
            }
            w.params().put("outcome", sent.size() + " transfers sent, " + acked.size() + " acknowledged, " + refused
                    + " refused (overdraft), " + unknown + " unknown; " + reads.size() + " balance reads; final table "
                    + (reader.finalTable() == null ? "unread" : reader.finalTable().size() + " transfers"));
            return out;
        });
    }
}
