package dev.duro.faults;

import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FaultSelection;
import java.util.List;
import java.util.Locale;

/**
 * Named fault mixes the default sweep rotates through by seed ({@code --faults profiles}), so that
 * each seed spends its run on one kind of trouble instead of diluting every kind (swarm alone
 * turns partitions on in half the seeds, but with crashes, loss and clogs that leave leases
 * little to decide). Each profile fixes the fault kinds; their rates are drawn from the seed as
 * usual. All but {@link #SWARM} keep a cluster's majority up (the nemesis's fault budget), so the
 * protocol is exercised rather than starved. {@link #SWARM} is exactly {@code --faults swarm} for
 * the same seed (same plan, same run).
 */
public enum FaultProfile {
    /** Swarm testing as before: each fault kind on or off by the seed, no budget. */
    SWARM("swarm", null, false, false),
    /** Partitions of every shape among the members, a network that reorders: leases and fencing. */
    PARTITION("partition", "partition,reorder", true, false),
    /** Partitions and pauses past a lease: an owner that must find its lease gone. */
    PARTITION_PAUSE("partition-pause", "partition,pause", true, false),
    /** Crashes with disk faults (torn and lost unsynced writes, failed and slow fsyncs, full disks). */
    CRASH_DISK("crash-disk", "crash,disk", true, false),
    /** Clock drift within the bound and wall-clock jumps, with pauses and crashes: timers and leases. */
    CLOCK("clock", "clock,pause,crash", true, false),
    /** Fault points fired often, with crashes and some loss: the runtime's own rare branches. */
    BUGGIFY("buggify", "buggify,crash,loss", true, true),
    /**
     * Composed sequences on a cluster: the owner isolated with one replica while clients write,
     * then crashed, a short tenure elsewhere ended by another crash, the stale node back
     * ({@link Nemesis}, "deep" strikes), on top of occasional pauses.
     */
    DEEP("deep", "crash,partition,pause", true, false),
    /** Mild network trouble only (a little loss, duplication, reordering): the efficiency baseline. Not rotated. */
    MILD("mild", "loss,dup,reorder", true, false);

    /** What {@code --faults profiles} rotates through, one slot per draw: swarm twice, the rest once. */
    public static final List<FaultProfile> ROTATION = List.of(SWARM, PARTITION, PARTITION_PAUSE, CRASH_DISK, SWARM, CLOCK,
            BUGGIFY, DEEP);

    private final String cliName;
    private final String kinds;
    private final boolean budgeted;
    private final boolean heavyFaultPoints;

    FaultProfile(String cliName, String kinds, boolean budgeted, boolean heavyFaultPoints) {
        this.cliName = cliName;
        this.kinds = kinds;
        this.budgeted = budgeted;
        this.heavyFaultPoints = heavyFaultPoints;
    }

    public String cliName() {
        return cliName;
    }

    /** The fault kinds this profile turns on, as a selection ({@link FaultSelection#SWARM} for swarm). */
    public FaultSelection selection() {
        return kinds == null ? FaultSelection.SWARM : FaultSelection.parse(kinds);
    }

    /** Whether strikes keep a majority of a cluster's members up and network loss mild. */
    public boolean budgeted() {
        return budgeted;
    }

    /** Whether fault points activate and fire far more often than under plain {@code buggify}. */
    public boolean heavyFaultPoints() {
        return heavyFaultPoints;
    }

    /** Whether the nemesis composes deep sequences (isolate the owner, crash it, short tenures). */
    public boolean deep() {
        return this == DEEP;
    }

    /** The profile named {@code name}; an unknown one is an {@link IllegalArgumentException} listing the known. */
    public static FaultProfile byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FaultProfile p : values()) if (p.cliName.equals(n)) return p;
        throw new IllegalArgumentException("unknown fault profile '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        return String.join(", ", java.util.Arrays.stream(values()).map(FaultProfile::cliName).toList());
    }

    /**
     * The profile of a run under {@code selection}: drawn from the seed for {@code profiles}, the
     * named one for {@code profile:NAME}, none (null) otherwise.
     */
    public static FaultProfile of(FaultSelection selection, SeededEntropy entropy) {
        return switch (selection.mode()) {
            case PROFILES -> ROTATION.get(entropy.derive("profile").nextInt(ROTATION.size()));
            case PROFILE -> byName(selection.names().iterator().next());
            default -> null;
        };
    }
}
