package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.model.history.Json;
import dev.duro.sim.plan.FaultEvent;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.plan.Standing;
import dev.duro.sim.plan.WorkloadPlan;
import dev.duro.sim.run.RunConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's plan as a file ({@code plan.jsonl}): JSON lines, first a header naming the settings the
 * plan was recorded under (scenario, seed, run length, nodes, bugs, faults), then the standing
 * rates, the workload's sizes, one line per fault event ({@code "fault": kind}) and one per client
 * operation ({@code "op"}), in that order. Times are virtual nanoseconds from the run's start.
 * Reading checks every line: a malformed line, an unknown event or field, or a plan recorded under
 * other settings is a one-line {@link UserError}.
 */
public final class PlanFile {
    private PlanFile() {}

    static final int VERSION = 1;

    /** The text of {@code plan}, recorded under {@code config} with run length {@code untilMs} and {@code nodes} nodes. */
    public static String write(RunPlan plan, RunConfig config, long untilMs, int nodes) {
        StringBuilder b = new StringBuilder();
        line(b, header(config, untilMs, nodes));
        Standing s = plan.standing();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("standing", "rates");
        st.put("loss", s.loss());
        st.put("duplicate", s.duplicate());
        st.put("reorder", s.reorder());
        st.put("faultPoints", s.faultPoints());
        st.put("tornWrite", s.tornWrite());
        st.put("corruptSector", s.corruptSector());
        st.put("syncFailure", s.syncFailure());
        st.put("slowSync", s.slowSync());
        st.put("lostNode", (long) s.lostNode());
        line(b, st);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("workload", "sizes");
        w.put("clients", (long) plan.workload().clients());
        w.put("objects", (long) plan.workload().objects());
        line(b, w);
        for (FaultEvent ev : plan.faults()) line(b, fault(ev));
        for (WorkloadPlan.Op op : plan.workload().ops()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", (long) op.ordinal());
            m.put("client", (long) op.client());
            m.put("atNanos", op.atNanos());
            m.put("what", op.what());
            line(b, m);
        }
        return b.toString();
    }

    private static Map<String, Object> header(RunConfig config, long untilMs, int nodes) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("duroPlan", (long) VERSION);
        h.put("scenario", config.scenario());
        h.put("seed", config.seedText());
        h.put("untilMs", untilMs);
        h.put("nodes", (long) nodes);
        h.put("bugs", new ArrayList<Object>(config.bugs()));
        h.put("faults", config.faults().toString());
        return h;
    }

    private static void line(StringBuilder b, Map<String, Object> m) {
        Json.write(b, m);
        b.append('\n');
    }

    private static Map<String, Object> fault(FaultEvent ev) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fault", ev.kind());
        m.put("atNanos", ev.atNanos());
        switch (ev) {
            case FaultEvent.Crash c -> {
                m.put("node", (long) c.node());
                m.put("downNanos", c.downNanos());
                m.put("wipeDisk", c.wipeDisk());
            }
            case FaultEvent.Pause p -> {
                m.put("node", (long) p.node());
                m.put("durationNanos", p.durationNanos());
                m.put("messagesFirst", p.messagesFirst());
            }
            case FaultEvent.Partition p -> {
                m.put("durationNanos", p.durationNanos());
                m.put("label", p.label());
                List<Object> links = new ArrayList<>();
                for (FaultEvent.Link l : p.links()) links.add(List.of((long) l.from(), (long) l.to()));
                m.put("links", links);
            }
            case FaultEvent.Clog c -> {
                m.put("node", (long) c.node());
                m.put("peer", (long) c.peer());
                m.put("durationNanos", c.durationNanos());
            }
            case FaultEvent.Drift d -> {
                m.put("node", (long) d.node());
                m.put("ppm", d.ppm());
            }
            case FaultEvent.ClockJump j -> {
                m.put("node", (long) j.node());
                m.put("offsetNanos", j.offsetNanos());
            }
            case FaultEvent.SyncFailures f -> {
                m.put("node", (long) f.node());
                m.put("count", (long) f.count());
            }
            case FaultEvent.SlowFsync f -> {
                m.put("node", (long) f.node());
                m.put("factor", (long) f.factor());
                m.put("durationNanos", f.durationNanos());
            }
            case FaultEvent.DiskFull f -> {
                m.put("node", (long) f.node());
                m.put("durationNanos", f.durationNanos());
            }
            case FaultEvent.BitFlip f -> {
                m.put("node", (long) f.node());
                m.put("bits", (long) f.bits());
            }
            case FaultEvent.ReadErrors r -> {
                m.put("node", (long) r.node());
                m.put("prefixBytes", r.prefixBytes());
                m.put("durationNanos", r.durationNanos());
            }
        }
        return m;
    }

    /** Writes {@code text} to {@code file}; a failure is a one-line error. */
    static void save(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write the plan '" + file + "': " + e.getMessage());
        }
    }

    /**
     * Reads the plan in {@code file} for a run under {@code config} with run length {@code untilMs}
     * on {@code nodes} runtime nodes ({@code allNodes} with the clients): every problem is a
     * one-line {@link UserError} naming the file and line.
     */
    public static RunPlan read(Path file, RunConfig config, long untilMs, int nodes) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read the plan '" + file + "': " + e.getMessage());
        }
        return parse(text, file.toString(), config, untilMs, nodes);
    }

    /** As {@link #read}, from the file's text. */
    public static RunPlan parse(String text, String source, RunConfig config, long untilMs, int nodes) {
        String[] lines = text.split("\n", -1);
        Standing standing = null;
        int clients = -1;
        int objects = -1;
        List<FaultEvent> faults = new ArrayList<>();
        List<WorkloadPlan.Op> ops = new ArrayList<>();
        boolean header = false;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].strip();
            if (raw.isEmpty()) continue;
            int no = i + 1;
            Line l = new Line(source, no, raw);
            if (!header) {
                l.checkHeader(config, untilMs, nodes);
                header = true;
            } else if (l.has("standing")) {
                standing = l.standing();
            } else if (l.has("workload")) {
                l.only("workload", "clients", "objects");
                clients = l.intIn("clients", 0, 64);
                objects = l.intIn("objects", 0, 64);
            } else if (l.has("fault")) {
                faults.add(l.fault(nodes));
            } else if (l.has("op")) {
                l.only("op", "client", "atNanos", "what");
                ops.add(new WorkloadPlan.Op(l.intIn("client", 0, 64), l.intIn("op", 0, Integer.MAX_VALUE),
                        l.longIn("atNanos", 0, Long.MAX_VALUE), l.string("what")));
            } else {
                throw l.error("expected a \"standing\", \"workload\", \"fault\" or \"op\" line, found keys " + l.m.keySet());
            }
        }
        if (!header) throw new UserError("plan " + source + " is empty: expected a plan.jsonl written by duro sim run --out");
        if (standing == null) throw new UserError("plan " + source + " has no \"standing\" line");
        if (clients < 0) throw new UserError("plan " + source + " has no \"workload\" line");
        if (standing.lostNode() >= nodes) {
            throw new UserError("plan " + source + ": lostNode n" + standing.lostNode() + " is not one of the " + nodes + " nodes");
        }
        return new RunPlan(standing, faults, new WorkloadPlan(clients, objects, ops));
    }

    /** One parsed line, with its place for error messages. */
    private static final class Line {
        final String source;
        final int no;
        final Map<String, Object> m;

        @SuppressWarnings("unchecked")
        Line(String source, int no, String raw) {
            this.source = source;
            this.no = no;
            Object v;
            try {
                v = Json.parse(raw, source, no);
            } catch (RuntimeException e) {
                throw new UserError("malformed plan " + source + " line " + no + ": " + e.getMessage());
            }
            if (!(v instanceof Map<?, ?>)) throw new UserError("malformed plan " + source + " line " + no + ": expected a JSON object");
            this.m = (Map<String, Object>) v;
        }

        UserError error(String problem) {
            return new UserError("plan " + source + " line " + no + ": " + problem);
        }

        boolean has(String key) {
            return m.containsKey(key);
        }

        void only(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (String k : m.keySet()) {
                if (!allowed.contains(k)) throw error("unknown field \"" + k + "\" (known here: " + String.join(", ", keys) + ")");
            }
        }

        Object get(String key) {
            Object v = m.get(key);
            if (v == null) throw error("missing field \"" + key + "\"");
            return v;
        }

        long longIn(String key, long min, long max) {
            if (!(get(key) instanceof Long v)) throw error("field \"" + key + "\" must be an integer");
            if (v < min || v > max) throw error("field \"" + key + "\" = " + v + " out of range " + min + ".." + max);
            return v;
        }

        int intIn(String key, int min, int max) {
            return (int) longIn(key, min, max);
        }

        double rate(String key) {
            Object v = get(key);
            double d = v instanceof Long l ? l : v instanceof Double x ? x : Double.NaN;
            if (!(d >= 0 && d <= 1)) throw error("field \"" + key + "\" must be a rate in 0..1");
            return d;
        }

        boolean bool(String key) {
            if (!(get(key) instanceof Boolean b)) throw error("field \"" + key + "\" must be true or false");
            return b;
        }

        String string(String key) {
            if (!(get(key) instanceof String s)) throw error("field \"" + key + "\" must be a string");
            return s;
        }

        void checkHeader(RunConfig config, long untilMs, int nodes) {
            if (!has("duroPlan")) throw error("expected the header line {\"duroPlan\":1,...} first");
            only("duroPlan", "scenario", "seed", "untilMs", "nodes", "bugs", "faults");
            if (longIn("duroPlan", 0, Long.MAX_VALUE) != VERSION) throw error("plan version " + get("duroPlan") + " unknown (this build reads " + VERSION + ")");
            Map<String, Object> want = header(config, untilMs, nodes);
            for (Map.Entry<String, Object> e : want.entrySet()) {
                Object got = get(e.getKey());
                if (!got.equals(e.getValue())) {
                    throw error("the plan was recorded with " + e.getKey() + " " + Json.write(got) + ", but this run has "
                            + Json.write(e.getValue()) + " (give the settings of the plan's repro line)");
                }
            }
        }

        Standing standing() {
            only("standing", "loss", "duplicate", "reorder", "faultPoints", "tornWrite", "corruptSector", "syncFailure",
                    "slowSync", "lostNode");
            return new Standing(rate("loss"), rate("duplicate"), rate("reorder"), rate("faultPoints"), rate("tornWrite"),
                    rate("corruptSector"), rate("syncFailure"), rate("slowSync"), intIn("lostNode", -1, RunConfig.MAX_NODES - 1));
        }

        FaultEvent fault(int nodes) {
            String kind = string("fault");
            long at = longIn("atNanos", 0, Long.MAX_VALUE);
            long forever = Long.MAX_VALUE;
            try {
                return switch (kind) {
                    case "crash" -> {
                        only("fault", "atNanos", "node", "downNanos", "wipeDisk");
                        yield new FaultEvent.Crash(at, node(nodes), longIn("downNanos", -1, forever), bool("wipeDisk"));
                    }
                    case "pause" -> {
                        only("fault", "atNanos", "node", "durationNanos", "messagesFirst");
                        yield new FaultEvent.Pause(at, node(nodes), longIn("durationNanos", 1, forever), bool("messagesFirst"));
                    }
                    case "partition" -> {
                        only("fault", "atNanos", "durationNanos", "label", "links");
                        yield new FaultEvent.Partition(at, longIn("durationNanos", 1, forever), string("label"), links());
                    }
                    case "clog" -> {
                        only("fault", "atNanos", "node", "peer", "durationNanos");
                        int node = node(nodes);
                        yield new FaultEvent.Clog(at, node, intIn("peer", -1, nodes - 1), longIn("durationNanos", 1, forever));
                    }
                    case "drift" -> {
                        only("fault", "atNanos", "node", "ppm");
                        yield new FaultEvent.Drift(at, node(nodes), longIn("ppm", -999_999, 999_999));
                    }
                    case "clock-jump" -> {
                        only("fault", "atNanos", "node", "offsetNanos");
                        yield new FaultEvent.ClockJump(at, node(nodes), longIn("offsetNanos", -forever, forever));
                    }
                    case "sync-failures" -> {
                        only("fault", "atNanos", "node", "count");
                        yield new FaultEvent.SyncFailures(at, node(nodes), intIn("count", 1, 1_000));
                    }
                    case "slow-fsync" -> {
                        only("fault", "atNanos", "node", "factor", "durationNanos");
                        yield new FaultEvent.SlowFsync(at, node(nodes), intIn("factor", 1, 1_000), longIn("durationNanos", 1, forever));
                    }
                    case "disk-full" -> {
                        only("fault", "atNanos", "node", "durationNanos");
                        yield new FaultEvent.DiskFull(at, node(nodes), longIn("durationNanos", 1, forever));
                    }
                    case "bit-flip" -> {
                        only("fault", "atNanos", "node", "bits");
                        yield new FaultEvent.BitFlip(at, node(nodes), intIn("bits", 1, 64));
                    }
                    case "read-errors" -> {
                        only("fault", "atNanos", "node", "prefixBytes", "durationNanos");
                        yield new FaultEvent.ReadErrors(at, node(nodes), longIn("prefixBytes", -1, forever),
                                longIn("durationNanos", 1, forever));
                    }
                    default -> throw error("unknown fault event \"" + kind + "\" (known: crash, pause, partition, clog, drift, "
                            + "clock-jump, sync-failures, slow-fsync, disk-full, bit-flip, read-errors)");
                };
            } catch (dev.duro.model.util.Invariants.InvariantViolation e) {
                throw error(e.getMessage());
            }
        }

        private int node(int nodes) {
            return intIn("node", 0, nodes - 1);
        }

        private List<FaultEvent.Link> links() {
            if (!(get("links") instanceof List<?> list)) throw error("field \"links\" must be a list of [from, to] pairs");
            List<FaultEvent.Link> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Long a) || !(pair.get(1) instanceof Long b)
                        || a < 0 || b < 0 || a > RunConfig.MAX_NODES + 64 || b > RunConfig.MAX_NODES + 64 || a.equals(b)) {
                    throw error("field \"links\" must be a list of [from, to] pairs of distinct node numbers, found " + Json.write(o));
                }
                out.add(new FaultEvent.Link(a.intValue(), b.intValue()));
            }
            return out;
        }
    }
}
