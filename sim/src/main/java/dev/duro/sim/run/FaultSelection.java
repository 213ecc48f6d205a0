package dev.duro.sim.run;

import dev.duro.model.world.Entropy;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fault kinds a run may use. {@code swarm} lets each seed decide, fault by fault, whether it
 * is on (swarm testing: some seeds run few faults often, others many faults rarely); {@code none}
 * and {@code all} fix the choice ({@code all} with a fault budget that keeps a majority of a
 * cluster up, {@code all-unbudgeted} without); a comma list turns on exactly those.
 * {@code profiles} (the CLI's default) draws a named fault profile from the seed, {@code
 * profile:NAME} fixes one; the profiles themselves are the nemesis's business ({@code
 * dev.duro.faults.FaultProfile}), this record only carries the name. Scenarios also draw each
 * enabled fault's rate from the seed.
 */
public record FaultSelection(Mode mode, Set<String> names) {
    /** Every fault kind a scenario may offer, in the order swarm draws them. */
    public static final List<String> KNOWN = List.of(
            "loss", "dup", "reorder", "partition", "clog", "crash", "pause", "clock", "buggify", "disk");

    public enum Mode { SWARM, NONE, ALL, LIST, ALL_UNBUDGETED, PROFILES, PROFILE }

    public static final FaultSelection SWARM = new FaultSelection(Mode.SWARM, Set.of());
    public static final FaultSelection NONE = new FaultSelection(Mode.NONE, Set.of());
    public static final FaultSelection ALL = new FaultSelection(Mode.ALL, Set.of());
    public static final FaultSelection ALL_UNBUDGETED = new FaultSelection(Mode.ALL_UNBUDGETED, Set.of());
    public static final FaultSelection PROFILES = new FaultSelection(Mode.PROFILES, Set.of());

    /** One named profile ({@code profile:NAME}); the name is checked by whoever resolves it. */
    public static FaultSelection profile(String name) {
        return new FaultSelection(Mode.PROFILE, Set.of(name));
    }

    public FaultSelection {
        names = Collections.unmodifiableSet(new TreeSet<>(names));
    }

    /** Parses {@code swarm}, {@code none}, {@code all} or a comma list of {@link #KNOWN} names. */
    public static FaultSelection parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "swarm", "" -> {
                return SWARM;
            }
            case "none" -> {
                return NONE;
            }
            case "all" -> {
                return ALL;
            }
            case "all-unbudgeted" -> {
                return ALL_UNBUDGETED;
            }
            case "profiles" -> {
                return PROFILES;
            }
            default -> {
                if (t.startsWith("profile:") && t.length() > "profile:".length()) return profile(t.substring("profile:".length()));
                Set<String> names = new TreeSet<>();
                for (String part : t.split(",")) {
                    String name = part.trim();
                    if (!KNOWN.contains(name)) {
                        throw new IllegalArgumentException("unknown fault '" + name + "' in --faults (known: profiles, profile:NAME, swarm, "
                                + "none, all, all-unbudgeted, "
                                + String.join(", ", KNOWN) + ")");
                    }
                    names.add(name);
                }
                return new FaultSelection(Mode.LIST, names);
            }
        }
    }

    /** True for {@code all}: strikes keep a majority of a cluster's members up (profiles decide for themselves). */
    public boolean budgeted() {
        return mode == Mode.ALL;
    }

    /**
     * The faults that are on for this run; draws from {@code swarm} only in swarm mode. Profile
     * modes must be resolved to a plain selection first.
     */
    public Set<String> draw(Entropy swarm) {
        if (mode == Mode.PROFILES || mode == Mode.PROFILE) {
            throw new IllegalStateException("fault profiles are resolved by the nemesis plan before drawing: " + this);
        }
        Set<String> on = new TreeSet<>();
        for (String name : KNOWN) {
            boolean enabled = switch (mode) {
                case SWARM -> swarm.chance(0.5);
                case NONE -> false;
                case ALL, ALL_UNBUDGETED -> true;
                case LIST -> names.contains(name);
                case PROFILES, PROFILE -> false;
            };
            if (enabled) on.add(name);
        }
        return on;
    }

    /** The text that parses back to this selection. */
    @Override
    public String toString() {
        return switch (mode) {
            case SWARM -> "swarm";
            case NONE -> "none";
            case ALL -> "all";
            case ALL_UNBUDGETED -> "all-unbudgeted";
            case PROFILES -> "profiles";
            case PROFILE -> "profile:" + names.iterator().next();
            case LIST -> String.join(",", names);
        };
    }
}
