package dev.duro.scenarios.frame;

import dev.duro.sim.plan.PlanRecorder;
import dev.duro.sim.plan.WorkloadPlan;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which operations a run's clients issue, and the record of those they did. Without a plan every
 * tick of a client's loop issues its operation (the run as ever). With one, a client issues only
 * the ticks the plan lists, each at its recorded time ({@link LoopClient}); the others are drawn
 * "dry": the operation is drawn as usual but nothing is sent and no history recorded, so the ticks
 * that are kept draw what they drew when the plan was recorded.
 */
public final class Workload {
    /** Per client, the listed ticks and their times; null without a plan. */
    private final Map<Integer, TreeMap<Integer, Long>> listed;
    private final PlanRecorder recorder;
    private boolean dry;
    /** The operation being issued now, to describe from its first request; -1 outside {@link #issue}. */
    private int current = -1;

    /** @param plan the operations to issue, or null for every tick of every client */
    Workload(WorkloadPlan plan, PlanRecorder recorder) {
        this.recorder = recorder;
        if (plan == null) {
            listed = null;
        } else {
            listed = new TreeMap<>();
            for (WorkloadPlan.Op op : plan.ops()) listed.computeIfAbsent(op.client(), c -> new TreeMap<>()).put(op.ordinal(), op.atNanos());
        }
    }

    /** A workload that issues everything and records into a recorder nobody reads (clients outside a world). */
    static Workload unrecorded() {
        return new Workload(null, new PlanRecorder());
    }

    /** Whether a plan says which ticks issue. */
    boolean replaying() {
        return listed != null;
    }

    boolean listed(int client, int ordinal) {
        return listed.getOrDefault(client, new TreeMap<>()).containsKey(ordinal);
    }

    /** Whether the plan lists a tick of {@code client} at {@code ordinal} or later. */
    boolean listedFrom(int client, int ordinal) {
        TreeMap<Integer, Long> ticks = listed.get(client);
        return ticks != null && ticks.ceilingKey(ordinal) != null;
    }

    long plannedAtNanos(int client, int ordinal) {
        return listed.get(client).get(ordinal);
    }

    /** Issues client {@code client}'s tick {@code ordinal} by running {@code op}, and records it. */
    void issue(int client, int ordinal, long nowNanos, Runnable op) {
        current = recorder.op(new WorkloadPlan.Op(client, ordinal, nowNanos, ""));
        try {
            op.run();
        } finally {
            current = -1;
        }
    }

    /** Draws a tick the plan leaves out: {@code op} runs, but sends nothing and records nothing. */
    void dry(Runnable op) {
        dry = true;
        try {
            op.run();
        } finally {
            dry = false;
        }
    }

    /** True while a tick the plan leaves out is drawn. */
    boolean dry() {
        return dry;
    }

    /** A request went out; the first one of an operation describes it. */
    void sent(String what) {
        if (current >= 0) recorder.describe(current, what);
    }
}
