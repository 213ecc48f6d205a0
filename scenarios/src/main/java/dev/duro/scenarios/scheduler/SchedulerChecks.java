package dev.duro.scenarios.scheduler;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scheduler's properties for one object, from its final state and what clients sent (pure;
 * unit-tested).
 * <ul>
 *   <li>S1 (P2) every acknowledged job is in the final job table with the time it was given.</li>
 *   <li>S2 (safety) no job in the table that no client sent (with that time).</li>
 *   <li>S3 (safety, P5) no run before its job's time, on the object's clock.</li>
 *   <li>S4 (liveness, P5) every acknowledged job due {@code graceMs} before the object's clock at
 *       the final read has run at least once. The final read is made twice, a second apart, and the
 *       later answer is judged: an object out of reach until the first read answers it before the
 *       alarm queued behind it.</li>
 * </ul>
 */
final class SchedulerChecks {
    private SchedulerChecks() {}

    /** The final read: the object's clock, the jobs (id to [at, ranAt or null]) and every run (id, ranAt). */
    record FinalState(long nowMs, Map<String, long[]> jobs, List<String[]> runs) {
        static FinalState parse(String body) {
            long now = -1;
            Map<String, long[]> jobs = new TreeMap<>();
            List<String[]> runs = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.isBlank()) continue;
                if (line.startsWith("now=")) {
                    now = Long.parseLong(line.substring(4));
                    continue;
                }
                String[] p = line.split(" ");
                if (p[0].equals("run")) {
                    runs.add(new String[] {p[1], p[2]});
                } else {
                    jobs.put(p[0], new long[] {Long.parseLong(p[1]), p[2].equals("-") ? Long.MIN_VALUE : Long.parseLong(p[2])});
                }
            }
            return new FinalState(now, jobs, runs);
        }
    }

    static List<Violation> check(String object, Map<String, Long> sent, Map<String, Long> acknowledged, FinalState fin,
                                 long graceMs, boolean reachedEnd) {
        List<Violation> out = new ArrayList<>();
        int lost = 0;
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
            long[] job = fin.jobs().get(e.getKey());
            if ((job == null || job[0] != e.getValue()) && lost++ < 5) {
                out.add(new Violation("S1", FailureClass.SAFETY, object + ": job " + e.getKey() + " at " + e.getValue()
                        + " was acknowledged but the final table " + (job == null ? "lacks it" : "has it at " + job[0])));
            }
        }
        for (Map.Entry<String, long[]> e : fin.jobs().entrySet()) {
            Long s = sent.get(e.getKey());
            if (s == null || s != e.getValue()[0]) {
                out.add(new Violation("S2", FailureClass.SAFETY, object + ": the table holds job " + e.getKey() + " at "
                        + e.getValue()[0] + ", which no client sent" + (s == null ? "" : " (sent with time " + s + ")")));
            }
        }
        Map<String, Integer> runCount = new TreeMap<>();
        int early = 0;
        for (String[] run : fin.runs()) {
            runCount.merge(run[0], 1, Integer::sum);
            long[] job = fin.jobs().get(run[0]);
            long ranAt = Long.parseLong(run[1]);
            if (job != null && ranAt < job[0] && early++ < 5) {
                out.add(new Violation("S3", FailureClass.SAFETY, object + ": job " + run[0] + " for " + job[0] + " ran at "
                        + ranAt + ", " + (job[0] - ranAt) + " ms early"));
            }
        }
        if (reachedEnd) {
            int missed = 0;
            long deadline = fin.nowMs() - graceMs;
            for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
                if (e.getValue() <= deadline && !runCount.containsKey(e.getKey()) && missed++ < 5) {
                    out.add(new Violation("S4", FailureClass.LIVENESS, object + ": job " + e.getKey() + " due at "
                            + e.getValue() + " never ran (object clock " + fin.nowMs() + " at the final read)"));
                }
            }
        }
        return out;
    }
}
