package dev.duro.cli.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The seeded fault schedule of one {@code duro cluster test}: one fault at a time (so a majority
 * always runs), each healed before the next begins. The plan is a function of the seed and the
 * settings, printed before the run; the real run is not deterministic, only its plan is.
 *
 * <p>Kinds: {@code kill} ({@code kill -9}, restart after 1–4 s), {@code pause} ({@code SIGSTOP},
 * {@code SIGCONT} after 2.5–6 s: longer than the 2 s lease), {@code partition} (the simulator's
 * shapes among the members, {@code faults.Nemesis}: isolate one, halves, a minority, a bridge,
 * one-way out, one-way in, one link; 2–8 s) and {@code delay} (every frame into one node 50–500
 * ms late, 2–6 s) and {@code power} (every member killed at once under load, all restarted after
 * 1–3 s).
 */
record FaultPlan(List<Fault> faults, boolean powerCut) {
    static final Set<String> KINDS = Set.of("kill", "pause", "partition", "delay", "power");

    /**
     * One fault: {@code kind} on {@code node} (or a partition {@code cut}: {@code cut[a][b]} means
     * frames from member a to member b are dropped) from {@code atMs} after the workload starts, for
     * {@code forMs}.
     */
    record Fault(long atMs, String kind, int node, long forMs, boolean[][] cut, long delayMs, String what) {
        String describe() {
            return String.format(Locale.ROOT, "+%.1fs %s for %.1fs", atMs / 1e3, what, forMs / 1e3);
        }
    }

    /**
     * Faults from 3 s into the workload until 2 s before its end, 1–3 s apart; with {@code kill},
     * also a power cut at the end while the clients still run (every member killed at once; the
     * simulator ends its runs with a power loss too).
     */
    static FaultPlan of(long seed, int nodes, long durationMs, List<String> kinds) {
        Random r = new Random(seed ^ 0x5DEECE66DL * 31);
        List<Fault> out = new ArrayList<>();
        long at = 3_000;
        while (!kinds.isEmpty()) {
            String kind = kinds.get(r.nextInt(kinds.size()));
            int node = r.nextInt(nodes);
            Fault f = switch (kind) {
                case "kill" -> new Fault(at, kind, node, between(r, 1_000, 4_000), null, 0, "kill -9 n" + node + ", then restart it");
                case "pause" -> new Fault(at, kind, node, between(r, 2_500, 6_000), null, 0, "SIGSTOP n" + node + ", then SIGCONT");
                case "power" -> new Fault(at, kind, -1, between(r, 1_000, 3_000), null, 0, "power cut: kill -9 every member, then restart all");
                case "delay" -> {
                    long d = between(r, 50, 500);
                    yield new Fault(at, kind, node, between(r, 2_000, 6_000), null, d, "delay frames into n" + node + " by " + d + "ms");
                }
                default -> partition(r, at, nodes, node);
            };
            if (f.atMs() + f.forMs() > durationMs - 2_000) break;
            out.add(f);
            at = f.atMs() + f.forMs() + between(r, 1_000, 3_000);
        }
        return new FaultPlan(List.copyOf(out), kinds.contains("kill"));
    }

    private static Fault partition(Random r, long at, int n, int one) {
        long forMs = between(r, 2_000, 8_000);
        int shape = r.nextInt(7);
        return switch (shape) {
            case 0 -> cut(at, forMs, n, "partition: isolate n" + one, (a, b) -> a == one || b == one);
            case 1 -> cut(at, forMs, n, "partition: halves", (a, b) -> (a < n / 2) != (b < n / 2));
            case 2 -> {
                boolean[] in = new boolean[n];
                int size = Math.max(1, (n - 1) / 2);
                for (int placed = 0; placed < size; ) {
                    int k = r.nextInt(n);
                    if (!in[k]) {
                        in[k] = true;
                        placed++;
                    }
                }
                yield cut(at, forMs, n, "partition: minority " + members(in), (a, b) -> in[a] != in[b]);
            }
            case 3 -> {
                boolean[] left = new boolean[n];
                int leftCount = 0;
                for (int k = 0; k < n; k++) {
                    if (k != one && r.nextBoolean()) {
                        left[k] = true;
                        leftCount++;
                    }
                }
                int flip = (one + 1 + r.nextInt(n - 1)) % n; // both sides non-empty: otherwise the shape cuts nothing
                if (leftCount == 0) left[flip] = true;
                if (leftCount == n - 1) left[flip] = false;
                yield cut(at, forMs, n, "partition: bridge via n" + one + " left " + members(left),
                        (a, b) -> a != one && b != one && left[a] != left[b]);
            }
            case 4 -> cut(at, forMs, n, "partition: one-way, n" + one + " cannot send", (a, b) -> a == one);
            case 5 -> cut(at, forMs, n, "partition: one-way, n" + one + " cannot receive", (a, b) -> b == one);
            default -> {
                int other = (one + 1 + r.nextInt(n - 1)) % n;
                yield cut(at, forMs, n, "partition: link n" + one + "->n" + other, (a, b) -> a == one && b == other);
            }
        };
    }

    private static Fault cut(long at, long forMs, int n, String what, BiPredicate<Integer, Integer> blocked) {
        boolean[][] cut = new boolean[n][n];
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) cut[a][b] = a != b && blocked.test(a, b);
        return new Fault(at, "partition", -1, forMs, cut, 0, what);
    }

    private static String members(boolean[] in) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < in.length; i++) {
            if (!in[i]) continue;
            if (b.length() > 1) b.append(',');
            b.append('n').append(i);
        }
        return b.append('}').toString();
    }

    private static long between(Random r, long lo, long hi) {
        return lo + (long) (r.nextDouble() * (hi - lo));
    }
}
