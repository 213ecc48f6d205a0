package dev.duro.sim.node;

/** Lifecycle of a simulated node process. */
public enum NodeState {
    /** Added, not started yet. */
    NEW,
    /** Running (possibly paused: see {@link SimulatedNode#isPaused()}). */
    UP,
    /** Crashed; its volatile state is gone until a restart. */
    DOWN
}
