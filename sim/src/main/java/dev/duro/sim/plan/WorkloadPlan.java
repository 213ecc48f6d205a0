package dev.duro.sim.plan;

import dev.duro.model.util.Invariants;
import java.util.List;

/**
 * The clients' side of a run: how many clients and objects, and the operations issued. Each
 * client's loop has ticks numbered from 0 ({@link Op#ordinal}); replaying a plan, a client issues
 * an operation at a tick only when the plan lists that tick, and at any other tick draws the
 * operation as usual but sends nothing (so the ticks it keeps draw what they drew when recorded).
 * What an operation is ({@link Op#what}) is recorded for people; the client's own stream decides it.
 *
 * @param clients client count ({@code 0}: the scenario's drawn count)
 * @param objects object count ({@code 0}: the scenario's drawn count; what it counts is the scenario's)
 * @param ops the issued operations, in time order
 */
public record WorkloadPlan(int clients, int objects, List<Op> ops) {
    public WorkloadPlan {
        Invariants.check(clients >= 0 && objects >= 0, "clients %d, objects %d: must be >= 0", clients, objects);
        ops = List.copyOf(ops);
    }

    /** One operation: client {@code client}'s tick {@code ordinal}, started at {@code atNanos}. */
    public record Op(int client, int ordinal, long atNanos, String what) {
        public Op {
            Invariants.check(client >= 0 && ordinal >= 0 && atNanos >= 0, "bad op: client %d tick %d at %d",
                    client, ordinal, atNanos);
            Invariants.check(what != null, "op description must be set");
        }
    }

    public WorkloadPlan withOps(List<Op> next) {
        return new WorkloadPlan(clients, objects, next);
    }
}
