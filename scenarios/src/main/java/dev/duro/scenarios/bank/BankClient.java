package dev.duro.scenarios.bank;

import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * One bank client: a closed loop of transfers (75%; unique ids, resent up to twice while
 * unanswered: the ledger applies an id once) and balance reads; client 0 also reads the final
 * balances and transfer table.
 */
final class BankClient extends LoopClient {
    record Settings(int accounts, long maxAmount) {}

    private final Settings settings;
    private final Map<String, BankChecks.Transfer> sent = new LinkedHashMap<>();
    private final Set<String> acknowledged = new TreeSet<>();
    private final List<BankChecks.Read> reads = new ArrayList<>();
    private BankChecks.Read finalBalances;
    private List<BankChecks.Transfer> finalTable;
    private int refused;
    private int unknown;
    private int transfers;

    BankClient(int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace, Settings settings) {
        super("bank-client-" + index, index, virtualNanos, timeoutNanos, pace);
        this.settings = settings;
    }

    @Override
    protected void next() {
        if (entropy.chance(0.25)) {
            call(BankScenario.NAMESPACE, BankScenario.LEDGER, Request.get("/balances"), o -> {
                if (o instanceof Outcome.Answer a && a.response().isOk()) {
                    reads.add(new BankChecks.Read(now() / 1_000_000, BankChecks.parseBalances(a.response().bodyText())));
                }
                done();
            });
            return;
        }
        int from = entropy.nextInt(settings.accounts());
        int to = (from + 1 + entropy.nextInt(settings.accounts() - 1)) % settings.accounts();
        BankChecks.Transfer t = new BankChecks.Transfer("t" + index() + "-" + (++transfers), "a" + from, "a" + to,
                1 + entropy.nextLong(settings.maxAmount()));
        sent.put(t.id(), t);
        // Resent while unanswered: the ledger applies an id once. A refusal (409) is an answer.
        Request r = Request.post("/transfer?id=" + t.id() + "&from=" + t.from() + "&to=" + t.to() + "&amount=" + t.amount(), "");
        callResending(BankScenario.NAMESPACE, BankScenario.LEDGER, r, 3, o -> ok(o) || refusal(o), o -> {
            if (ok(o)) {
                if (!stopped()) acknowledged.add(t.id());
            } else if (refusal(o)) {
                refused++;
            } else {
                unknown++;
            }
            done();
        });
    }

    private static boolean refusal(Outcome o) {
        return o instanceof Outcome.Answer a && a.response().status() == 409;
    }

    @Override
    protected void finalReads() {
        untilAnswered(BankScenario.NAMESPACE, BankScenario.LEDGER, Request.get("/balances"),
                r -> finalBalances = new BankChecks.Read(now() / 1_000_000, BankChecks.parseBalances(r.bodyText())));
        untilAnswered(BankScenario.NAMESPACE, BankScenario.LEDGER, Request.get("/transfers"), r -> {
            List<BankChecks.Transfer> table = new ArrayList<>();
            for (String line : r.bodyText().split("\n")) if (!line.isBlank()) table.add(BankChecks.Transfer.parse(line));
            finalTable = table;
        });
    }

    Map<String, BankChecks.Transfer> sent() {
        return sent;
    }

    Set<String> acknowledged() {
        return acknowledged;
    }

    List<BankChecks.Read> reads() {
        return reads;
    }

    BankChecks.Read finalBalances() {
        return finalBalances;
    }

    List<BankChecks.Transfer> finalTable() {
        return finalTable;
    }

    int refused() {
        return refused;
    }

    int unknown() {
        return unknown;
    }
}
