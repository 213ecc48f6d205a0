package dev.duro.reports.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the report draws, derived from the trace alone: each node's lane (up, crashed, paused,
 * partitioned), the fault marks, the first violation's position, and the story of the object it
 * names. Pure functions of the run's files, so two reports of one run are identical.
 */
public final class RunStory {
    /** A node's state over an interval. */
    public enum State { DOWN, UP, PAUSED }

    /** One interval of a lane; {@code note} says more (whom a partition cuts the node from). */
    public record Span(double fromMs, double toMs, State state, String note) {}

    /** One stretch in which a node cannot reach some peers. */
    public record Cut(double fromMs, double toMs, String peers, long traceIndex) {}

    /** A fault or phase on the time axis; {@code node} is -1 for the whole cluster. */
    public record Mark(double atMs, int node, String kind, String text, long traceIndex) {}

    /** One node's lane. */
    public record Lane(int node, boolean client, List<Span> spans, List<Cut> cuts) {}

    /** Where a violation points in the trace: the event numbers and the object it names. */
    public record ViolationRef(RunSummary.ViolationLine violation, List<Long> traceIndices, double atMs, String objectPrefix) {}

    /** Record kinds that tell an object's story: ownership, epochs, leases, recovery, installs, outputs. */
    static final List<String> STORY_KINDS = List.of("repl-won", "repl-install", "repl-lease-lost", "repl-fenced",
            "repl-repair", "obj-recover-begin", "obj-recover-end", "obj-evict", "obj-reset", "obj-output",
            "log-recover", "log-snapshot", "alarm-set", "alarm-fire");

    private static final Pattern LINK = Pattern.compile("n(\\d+)->n(\\d+)");
    private static final Pattern EVENT_REF = Pattern.compile("#(\\d+)");
    private static final Pattern TIME_REF = Pattern.compile("t=(\\d+(?:\\.\\d+)?)ms");
    private static final Pattern OBJECT_REF = Pattern.compile("object ([0-9a-f]{8,64})");
    private static final Pattern RUNTIME_NODES = Pattern.compile("n0\\.\\.n(\\d+)");
    private static final Pattern FENCE = Pattern.compile("fence=(\\S+)");

    private final List<Lane> lanes;
    private final List<Mark> marks;
    private final List<ViolationRef> violations;
    private final List<TraceLine> objectStory;
    private final SequencedMap<String, Integer> happened;
    private final double endMs;

    private RunStory(List<Lane> lanes, List<Mark> marks, List<ViolationRef> violations, List<TraceLine> objectStory,
                     SequencedMap<String, Integer> happened, double endMs) {
        this.lanes = lanes;
        this.marks = marks;
        this.violations = violations;
        this.objectStory = objectStory;
        this.happened = happened;
        this.endMs = endMs;
    }

    public List<Lane> lanes() {
        return lanes;
    }

    public List<Mark> marks() {
        return marks;
    }

    public List<ViolationRef> violations() {
        return violations;
    }

    /** The first violation the run reported, or null on a pass. */
    public ViolationRef firstViolation() {
        return violations.isEmpty() ? null : violations.getFirst();
    }

    /** Facts about the object the first violation names (ownership, epochs, outputs), in trace order. */
    public List<TraceLine> objectStory() {
        return objectStory;
    }

    /** How often each kind of fact happened (crashes, failovers, installs...), for every run. */
    public SequencedMap<String, Integer> happened() {
        return happened;
    }

    public double endMs() {
        return endMs;
    }

    /** Derives the story of a run from its summary and its trace, in trace order. */
    public static RunStory of(RunSummary summary, List<TraceLine> trace) {
        double endMs = Math.max(summary.simTimeMs(), trace.isEmpty() ? 0 : trace.getLast().timeMs());
        int runtimeNodes = runtimeNodeCount(summary);
        TreeSet<Integer> nodes = new TreeSet<>();
        for (TraceLine t : trace) if (t.nodeNumber() >= 0) nodes.add(t.nodeNumber());

        Map<Integer, List<Span>> spans = new TreeMap<>();
        Map<Integer, State> state = new TreeMap<>();
        Map<Integer, Double> since = new TreeMap<>();
        Map<Integer, String> stateNote = new TreeMap<>();
        for (int n : nodes) {
            spans.put(n, new ArrayList<>());
            state.put(n, State.DOWN);
            since.put(n, 0.0);
            stateNote.put(n, "not started");
        }
        Map<Integer, List<Cut>> cuts = new TreeMap<>();
        for (int n : nodes) cuts.put(n, new ArrayList<>());
        Map<Integer, String> cutPeers = new TreeMap<>();
        Map<Integer, Double> cutSince = new TreeMap<>();
        Map<Integer, Long> cutIndex = new TreeMap<>();

        List<Mark> marks = new ArrayList<>();
        SequencedMap<String, Integer> happened = new LinkedHashMap<>();
        for (TraceLine t : trace) {
            int n = t.nodeNumber();
            double at = t.timeMs();
            switch (t.kind()) {
                case "start" -> {
                    change(spans, state, since, stateNote, n, at, State.UP, "incarnation " + t.a());
                    if (t.a() > 1) count(happened, "restarts");
                }
                case "crash" -> {
                    change(spans, state, since, stateNote, n, at, State.DOWN, "crashed");
                    marks.add(new Mark(at, n, "crash", t.text(), t.index()));
                    count(happened, "crashes");
                }
                case "pause" -> {
                    change(spans, state, since, stateNote, n, at, State.PAUSED, "paused " + t.text());
                    marks.add(new Mark(at, n, "pause", "paused " + t.text(), t.index()));
                    count(happened, "pauses");
                }
                case "resume" -> change(spans, state, since, stateNote, n, at, State.UP, "resumed");
                case "partition", "heal" -> {
                    Map<Integer, TreeSet<Integer>> now = cutOff(t);
                    for (int m : nodes) {
                        TreeSet<Integer> peers = now.getOrDefault(m, new TreeSet<>());
                        String text = peers.isEmpty() ? null : names(peers);
                        String before = cutPeers.get(m);
                        if (before != null && !before.equals(text)) {
                            cuts.get(m).add(new Cut(cutSince.get(m), at, before, cutIndex.get(m)));
                        }
                        if (text != null && !text.equals(before)) {
                            cutSince.put(m, at);
                            cutIndex.put(m, t.index());
                        }
                        if (text == null) cutPeers.remove(m);
                        else cutPeers.put(m, text);
                    }
                    marks.add(new Mark(at, -1, t.kind(), t.kind().equals("heal") ? "all links open" : t.label(), t.index()));
                    count(happened, t.kind().equals("heal") ? "heals" : "partitions");
                }
                case "clog", "clock", "fault", "failure" -> {
                    marks.add(new Mark(at, n, t.kind(), t.text(), t.index()));
                    count(happened, switch (t.kind()) {
                        case "clog" -> "clogs";
                        case "clock" -> "clock faults";
                        case "fault" -> "fault settings and fault points";
                        default -> "node code failures";
                    });
                }
                case "note" -> {
                    if ("phase".equals(t.label())) marks.add(new Mark(at, -1, "phase", t.text(), t.index()));
                }
                case "drop" -> count(happened, "messages dropped");
                case "duplicate" -> count(happened, "messages duplicated");
                case "deliver" -> count(happened, "messages delivered");
                case "record" -> {
                    String what = t.what();
                    switch (what) {
                        case "repl-won" -> count(happened, "epochs won (ownership taken)");
                        case "repl-install" -> count(happened, "log installs on replicas");
                        case "repl-lease-lost" -> count(happened, "leases lost");
                        case "fd-suspect" -> count(happened, "suspicions");
                        case "obj-output" -> count(happened, "object outputs");
                        case "obj-durable" -> count(happened, "batches durable");
                        case "obj-evict" -> count(happened, "evictions");
                        case "disk-crash" -> {
                            if (!t.text().contains("lostWrites=0 tornWrites=0")) {
                                marks.add(new Mark(at, n, "disk", t.text(), t.index()));
                            }
                            count(happened, "disk crash states");
                        }
                        default -> {
                            if (what.startsWith("disk-fault") || what.startsWith("disk-lost") || what.startsWith("disk-flip")) {
                                marks.add(new Mark(at, n, "disk", t.text(), t.index()));
                                count(happened, "disk faults");
                            }
                        }
                    }
                }
                default -> { }
            }
        }
        List<Lane> lanes = new ArrayList<>();
        for (int n : nodes) {
            spans.get(n).add(new Span(since.get(n), endMs, state.get(n), stateNote.get(n)));
            if (cutPeers.containsKey(n)) cuts.get(n).add(new Cut(cutSince.get(n), endMs, cutPeers.get(n), cutIndex.get(n)));
            lanes.add(new Lane(n, runtimeNodes > 0 && n >= runtimeNodes, List.copyOf(spans.get(n)), List.copyOf(cuts.get(n))));
        }

        List<ViolationRef> refs = new ArrayList<>();
        for (RunSummary.ViolationLine v : summary.violations()) refs.add(locate(v));
        List<TraceLine> story = refs.isEmpty() || refs.getFirst().objectPrefix() == null ? List.of()
                : storyOf(refs.getFirst().objectPrefix(), trace);
        return new RunStory(List.copyOf(lanes), List.copyOf(marks), List.copyOf(refs), story, happened, endMs);
    }

    /** The trace events and time a violation's message names, and the object it is about. */
    static ViolationRef locate(RunSummary.ViolationLine v) {
        List<Long> indices = new ArrayList<>();
        Matcher e = EVENT_REF.matcher(v.message());
        while (e.find()) indices.add(Long.parseLong(e.group(1)));
        double atMs = Double.NaN;
        Matcher t = TIME_REF.matcher(v.message());
        while (t.find()) atMs = Double.isNaN(atMs) ? Double.parseDouble(t.group(1)) : Math.max(atMs, Double.parseDouble(t.group(1)));
        Matcher o = OBJECT_REF.matcher(v.message());
        return new ViolationRef(v, List.copyOf(indices), atMs, o.find() ? o.group(1) : null);
    }

    /**
     * The object's facts: ownership, installs, leases, recovery, and each output whose fence
     * differs from the previous output's (one line per owner change, not one per response).
     */
    static List<TraceLine> storyOf(String objectPrefix, List<TraceLine> trace) {
        List<TraceLine> out = new ArrayList<>();
        Map<Integer, String> lastFence = new TreeMap<>();
        String needle = "id=" + objectPrefix;
        for (TraceLine t : trace) {
            if (!"record".equals(t.kind()) || t.text() == null || !t.text().contains(needle)) continue;
            if (!STORY_KINDS.contains(t.what())) continue;
            if (t.what().equals("obj-output")) {
                Matcher f = FENCE.matcher(t.text());
                String fence = f.find() ? f.group(1) : t.what();
                if (fence.equals(lastFence.get(t.nodeNumber()))) continue;
                lastFence.put(t.nodeNumber(), fence);
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static void change(Map<Integer, List<Span>> spans, Map<Integer, State> state, Map<Integer, Double> since,
                               Map<Integer, String> note, int n, double at, State next, String nextNote) {
        if (n < 0 || !state.containsKey(n)) return;
        if (at > since.get(n)) spans.get(n).add(new Span(since.get(n), at, state.get(n), note.get(n)));
        state.put(n, next);
        since.put(n, at);
        note.put(n, nextNote);
    }

    /** For each node, the peers it cannot reach or hear from while this partition stands. */
    private static Map<Integer, TreeSet<Integer>> cutOff(TraceLine t) {
        Map<Integer, TreeSet<Integer>> out = new TreeMap<>();
        if (t.kind().equals("heal") || t.text() == null) return out;
        Matcher m = LINK.matcher(t.text());
        while (m.find()) {
            int from = Integer.parseInt(m.group(1));
            int to = Integer.parseInt(m.group(2));
            out.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            out.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
        }
        return out;
    }

    private static String names(TreeSet<Integer> nodes) {
        StringBuilder b = new StringBuilder();
        for (int n : nodes) b.append(b.isEmpty() ? "" : ",").append('n').append(n);
        return b.toString();
    }

    private static void count(Map<String, Integer> counts, String what) {
        counts.merge(what, 1, Integer::sum);
    }

    private static int runtimeNodeCount(RunSummary summary) {
        String nodes = summary.parameters().get("nodes");
        if (nodes == null) return -1;
        Matcher m = RUNTIME_NODES.matcher(nodes);
        return m.find() ? Integer.parseInt(m.group(1)) + 1 : -1;
    }
}
