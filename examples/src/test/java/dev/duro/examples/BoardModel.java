package dev.duro.examples;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a board may answer after a workload, from what the clients know: a score the board
 * acknowledged must be in it (the player's best is at least that), and every best it shows must
 * be a score some client sent (acknowledged or not: a call that failed may still have happened).
 */
final class BoardModel {
    private final Map<String, Long> acknowledged = new TreeMap<>();
    private final Map<String, java.util.Set<Long>> sent = new TreeMap<>();

    void sent(Score s) {
        sent.computeIfAbsent(s.player(), p -> new java.util.TreeSet<>()).add((long) s.points());
    }

    void acknowledged(Score s) {
        acknowledged.merge(s.player(), (long) s.points(), Math::max);
    }

    /** Fails, naming the first problem, unless {@code board} (the answer to {@code GET /top}, all players) fits. */
    void check(String board) {
        Map<String, Long> shown = new TreeMap<>();
        long previous = Long.MAX_VALUE;
        for (String line : board.lines().toList()) {
            String[] parts = line.split(" ");
            long best = Long.parseLong(parts[1]);
            if (best > previous) throw new AssertionError("the board is not sorted, best first: " + board.lines().toList());
            previous = best;
            shown.put(parts[0], best);
        }
        for (Map.Entry<String, Long> a : acknowledged.entrySet()) {
            long best = shown.getOrDefault(a.getKey(), 0L);
            if (best < a.getValue()) {
                throw new AssertionError("lost an acknowledged score: " + a.getKey() + " was acknowledged at " + a.getValue()
                        + " but the board shows " + (shown.containsKey(a.getKey()) ? best : "no entry") + "; board "
                        + List.copyOf(board.lines().toList()));
            }
        }
        for (Map.Entry<String, Long> s : shown.entrySet()) {
            if (!sent.getOrDefault(s.getKey(), java.util.Set.of()).contains(s.getValue())) {
                throw new AssertionError("the board shows " + s.getKey() + "=" + s.getValue() + ", a score nobody sent");
            }
        }
    }
}
