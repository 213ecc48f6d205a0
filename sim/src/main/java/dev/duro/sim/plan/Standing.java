package dev.duro.sim.plan;

import dev.duro.model.util.Invariants;

/**
 * The fault rates that stand through a run's fault phase rather than strike at an instant: per
 * message network loss, duplication and reordering; the fault points' fire rate; the disks' torn
 * and corrupt unsynced sectors on crash, failed and slow fsyncs; and the node lost for good at the
 * power cut ({@code -1}: none). A plan's values replace the drawn ones; the minimizer zeroes them.
 */
public record Standing(double loss, double duplicate, double reorder, double faultPoints, double tornWrite,
                       double corruptSector, double syncFailure, double slowSync, int lostNode) {
    public Standing {
        for (double r : new double[] {loss, duplicate, reorder, faultPoints, tornWrite, corruptSector, syncFailure, slowSync}) {
            Invariants.check(r >= 0 && r <= 1, "standing rate %s out of 0..1", r);
        }
        Invariants.check(lostNode >= -1, "lostNode %d: -1 for none", lostNode);
    }

    /** How many standing faults are on (rates above zero, a lost node). */
    public int count() {
        int n = lostNode >= 0 ? 1 : 0;
        for (double r : new double[] {loss, duplicate, reorder, faultPoints, tornWrite, corruptSector, syncFailure, slowSync}) {
            if (r > 0) n++;
        }
        return n;
    }
}
