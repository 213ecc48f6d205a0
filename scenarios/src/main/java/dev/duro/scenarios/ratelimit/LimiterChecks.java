package dev.duro.scenarios.ratelimit;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The limiter's properties for one key, from acknowledged grants (pure; unit-tested).
 * <ul>
 *   <li>R1 (safety) never more grants than the limit allows: replaying the GCRA over the
 *       acknowledged grants alone, in the order of their times, admits every one of them. Grants
 *       whose answer was lost only consumed more, so leaving them out can only admit more; an
 *       acknowledged grant the replay refuses was granted from a bucket that forgot earlier
 *       grants (a lost write re-grants).</li>
 *   <li>R2 (P2) the final state's {@code tat} is at least every acknowledged grant's
 *       {@code tat}: an acknowledged grant's bucket update survived.</li>
 * </ul>
 */
final class LimiterChecks {
    private LimiterChecks() {}

    /** An acknowledged grant: the object's time for it and the {@code tat} after it. */
    record Grant(long atMs, long tatAfterMs) {}

    static List<Violation> check(String key, long windowMs, int limit, List<Grant> grants, Long finalTat) {
        List<Violation> out = new ArrayList<>();
        long emission = windowMs / limit;
        long tolerance = windowMs - emission;
        List<Grant> sorted = new ArrayList<>(grants);
        sorted.sort(Comparator.comparingLong(Grant::atMs).thenComparingLong(Grant::tatAfterMs));
        long tat = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Grant g = sorted.get(i);
            if (tat > g.atMs() + tolerance) {
                int inWindow = 0;
                for (Grant h : sorted) if (h.atMs() > g.atMs() - windowMs && h.atMs() <= g.atMs()) inWindow++;
                out.add(new Violation("R1", FailureClass.SAFETY, key + ": grant at " + g.atMs() + " exceeds the limit of "
                        + limit + " per " + windowMs + "ms: " + inWindow + " acknowledged grants in the window ending there"));
                break;
            }
            tat = Math.max(tat, g.atMs()) + emission;
        }
        if (finalTat != null) {
            long maxAcked = grants.stream().mapToLong(Grant::tatAfterMs).max().orElse(0);
            if (finalTat < maxAcked) {
                out.add(new Violation("R2", FailureClass.SAFETY, key + ": final bucket tat " + finalTat
                        + " is behind an acknowledged grant's tat " + maxAcked + ": a grant's update was lost"));
            }
        }
        return out;
    }
}
