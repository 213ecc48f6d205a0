package dev.duro.model.world;

/**
 * Everything a node's code may use to touch the outside: the only way runtime code sees time,
 * randomness, the network and the disk. The simulator builds one per node incarnation (a restart
 * gets a fresh {@code World} on the same disk); the deployment builds one per process.
 */
public interface World {
    NodeId self();

    Clock clock();

    Loop loop();

    Transport transport();

    Disk disk();

    /** This node incarnation's randomness; derive per purpose. */
    Entropy entropy();

    /** Simulation-only fault points; {@link FaultPoints#NONE} in deployment. */
    default FaultPoints faultPoints() {
        return FaultPoints.NONE;
    }

    /**
     * Fail-stop: ends this process as a crash would. No further task of this incarnation runs after
     * the current one returns, volatile state is lost, and unsynced writes meet the crash model.
     * The node's supervisor starts it again after a restart delay (in simulation a seeded delay; in
     * deployment the process exits non-zero and its service manager restarts it). Meant for local
     * faults that leave the process untrustworthy, such as a failed fsync, after which the page
     * cache may no longer match the disk.
     */
    void exit(String reason);

    /** Facts for the checkers; {@link TraceSink#NONE} when nobody listens. */
    default TraceSink trace() {
        return TraceSink.NONE;
    }
}
