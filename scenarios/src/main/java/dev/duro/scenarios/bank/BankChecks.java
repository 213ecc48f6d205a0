package dev.duro.scenarios.bank;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ledger's properties over what clients observed (pure: unit-tested on synthetic inputs).
 * <ul>
 *   <li>B1 every balances read, during the run and final, sums to the opening total and has no
 *       negative balance (transfers are atomic and roll back on overdraft).</li>
 *   <li>B2 every acknowledged transfer is in the final transfer table (durability).</li>
 *   <li>B3 every transfer in the table was sent by a client, with the amount and accounts sent.</li>
 *   <li>B4 the final balances are the opening balances plus exactly the transfers in the table
 *       (each applied exactly once, none applied without its record).</li>
 * </ul>
 */
final class BankChecks {
    private BankChecks() {}

    record Transfer(String id, String from, String to, long amount) {
        String line() {
            return id + " " + from + " " + to + " " + amount;
        }

        static Transfer parse(String line) {
            String[] p = line.trim().split(" ");
            if (p.length != 4) throw new IllegalArgumentException("bad transfer line '" + line + "'");
            return new Transfer(p[0], p[1], p[2], Long.parseLong(p[3]));
        }
    }

    /** One balances read: when (virtual ms) and what it showed. */
    record Read(long atMs, SequencedMap<String, Long> balances) {}

    static SequencedMap<String, Long> parseBalances(String body) {
        SequencedMap<String, Long> m = new java.util.LinkedHashMap<>();
        for (String part : body.trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || part.startsWith("transfers=")) continue;
            m.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
        return m;
    }

    static List<Violation> check(int accounts, long opening, List<Read> reads, Map<String, Transfer> sent,
                                 Set<String> acknowledged, Read finalBalances, List<Transfer> finalTable) {
        List<Violation> out = new ArrayList<>();
        long total = accounts * opening;
        int bad = 0;
        List<Read> all = new ArrayList<>(reads);
        if (finalBalances != null) all.add(finalBalances);
        for (Read r : all) {
            long sum = r.balances().values().stream().mapToLong(Long::longValue).sum();
            boolean negative = r.balances().values().stream().anyMatch(v -> v < 0);
            if ((sum != total || negative || r.balances().size() != accounts) && bad++ < 5) {
                out.add(new Violation("B1", FailureClass.SAFETY, "read at " + r.atMs() + "ms shows " + r.balances()
                        + ": total " + sum + " (opening total " + total + ")" + (negative ? ", a negative balance" : "")));
            }
        }
        if (finalTable == null) return out;
        Map<String, Transfer> table = new TreeMap<>();
        for (Transfer t : finalTable) {
            if (table.put(t.id(), t) != null) {
                out.add(new Violation("B4", FailureClass.SAFETY, "transfer " + t.id() + " is recorded twice"));
            }
            Transfer s = sent.get(t.id());
            if (s == null || !s.equals(t)) {
                out.add(new Violation("B3", FailureClass.SAFETY, "the table holds " + t.line() + ", but clients sent "
                        + (s == null ? "no such transfer" : s.line())));
            }
        }
        int lost = 0;
        for (String id : acknowledged) {
            if (!table.containsKey(id) && lost++ < 5) {
                out.add(new Violation("B2", FailureClass.SAFETY, "transfer " + sent.get(id).line()
                        + " was acknowledged but is not in the final transfer table"));
            }
        }
        if (lost > 5) out.add(new Violation("B2", FailureClass.SAFETY, (lost - 5) + " more acknowledged transfers lost"));
        if (finalBalances != null) {
            Map<String, Long> expected = new TreeMap<>();
            for (int i = 0; i < accounts; i++) expected.put("a" + i, opening);
            for (Transfer t : table.values()) {
                expected.merge(t.from(), -t.amount(), Long::sum);
                expected.merge(t.to(), t.amount(), Long::sum);
            }
            if (!expected.equals(new TreeMap<>(finalBalances.balances()))) {
                out.add(new Violation("B4", FailureClass.SAFETY, "final balances " + finalBalances.balances()
                        + " differ from the opening balances plus the " + table.size() + " recorded transfers: " + expected));
            }
        }
        return out;
    }
}
