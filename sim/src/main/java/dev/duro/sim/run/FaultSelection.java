package dev.duro.sim.run;

import dev.duro.model.world.Entropy;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fault kinds a run may use. {@code swarm} (the default) lets each seed decide, fault by
 * fault, whether it is on (swarm testing: some seeds run few faults often, others many faults
 * rarely); {@code none} and {@code all} fix the choice; a comma list turns on exactly those.
 * Scenarios also draw each enabled fault's rate from the seed.
 */
public record FaultSelection(Mode mode, Set<String> names) {
    /** Every fault kind a scenario may offer, in the order swarm draws them. */
    public static final List<String> KNOWN = List.of(
            "loss", "dup", "reorder", "partition", "clog", "crash", "pause", "clock", "buggify", "disk");

    public enum Mode { SWARM, NONE, ALL, LIST }

    public static final FaultSelection SWARM = new FaultSelection(Mode.SWARM, Set.of());
    public static final FaultSelection NONE = new FaultSelection(Mode.NONE, Set.of());
    public static final FaultSelection ALL = new FaultSelection(Mode.ALL, Set.of());

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
            default -> {
                Set<String> names = new TreeSet<>();
                for (String part : t.split(",")) {
                    String name = part.trim();
                    if (!KNOWN.contains(name)) {
                        throw new IllegalArgumentException("unknown fault '" + name + "' in --faults (known: swarm, none, all, "
                                + String.join(", ", KNOWN) + ")");
                    }
                    names.add(name);
                }
                return new FaultSelection(Mode.LIST, names);
            }
        }
    }

    /** The faults that are on for this run; draws from {@code swarm} only in swarm mode. */
    public Set<String> draw(Entropy swarm) {
        Set<String> on = new TreeSet<>();
        for (String name : KNOWN) {
            boolean enabled = switch (mode) {
                case SWARM -> swarm.chance(0.5);
                case NONE -> false;
                case ALL -> true;
                case LIST -> names.contains(name);
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
            case LIST -> String.join(",", names);
        };
    }
}
