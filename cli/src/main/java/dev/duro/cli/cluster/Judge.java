package dev.duro.cli.cluster;

import dev.duro.model.check.DurabilityChecker;
import dev.duro.model.check.DurabilityFinding;
import dev.duro.model.check.RegisterModel;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.scenarios.frame.Lin;
import dev.duro.scenarios.kv.KvChecks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a cluster test's history with the simulator's own checks for the kv scenario: each key's
 * sub-history must be linearizable as a compare-and-set register ({@link Lin}, K1), and the
 * durability checker on the history with swaps as writes ({@link KvChecks#asWrites}, K2) must find
 * no acknowledged write lost, no phantom and nothing resurrected.
 */
final class Judge {
    private Judge() {
    }

    /**
     * What the checkers said.
     *
     * @param violations        one line per key that is not linearizable
     * @param unknownKeys       keys whose check ran out of its step budget (no verdict)
     * @param findings          durability findings, described
     * @param lostAcknowledged  acknowledged writes (or swaps) the final reads show lost
     * @param acknowledgedWrites acknowledged writes and swaps in the history
     * @param finalReads        reads the durability checker took as final
     */
    record Judgement(List<String> violations, List<String> unknownKeys, List<String> findings, int lostAcknowledged,
                     int acknowledgedWrites, int finalReads) {
        boolean safe() {
            return violations.isEmpty() && findings.isEmpty();
        }
    }

    static Judgement judge(History history) {
        Map<Object, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : history.operations()) byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        List<String> violations = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<Object, List<Operation>> e : byKey.entrySet()) {
            Lin.Result r = Lin.check("K1", "key " + e.getKey(), History.of(e.getValue()), new RegisterModel(true, null));
            r.violation().ifPresent(v -> violations.add(v.message()));
            if (r.unknown()) unknown.add(String.valueOf(e.getKey()));
        }
        DurabilityChecker.Result d = DurabilityChecker.checkKv(KvChecks.asWrites(history));
        List<String> findings = new ArrayList<>();
        Set<Operation> lost = new LinkedHashSet<>();
        for (DurabilityFinding f : d.findings()) {
            findings.add(f.describe());
            if (f instanceof DurabilityFinding.LostWrite w) lost.add(w.write());
        }
        return new Judgement(violations, unknown, findings, lost.size(), d.acknowledgedWrites(), d.finalReads());
    }
}
