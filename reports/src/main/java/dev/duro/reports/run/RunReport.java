package dev.duro.reports.run;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.reports.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders one simulation run as a self-contained HTML page (inline CSS, SVG and a small script; no
 * network, no fonts): the verdict in words, the reproduction line, a timeline with one lane per
 * node, the first violation and the story of its object, what happened, the parameters, and an
 * excerpt of the trace that every link on the page points into.
 *
 * <p>Limits, so that large runs stay usable: the timeline draws at most {@link #MAX_MARKS} fault
 * marks and {@link #MAX_OPS} client operations (the rest are counted), and the trace excerpt holds at most {@link #MAX_EXCERPT} events:
 * every event the violations and the object story name, all events in a window around the first
 * violation, then the first protocol-level facts (crashes, partitions, ownership, faults) in trace
 * order. Message and disk chatter is left to the full trace file.
 */
public final class RunReport {
    private RunReport() {}

    static final int MAX_MARKS = 2_000;
    static final int MAX_OPS = 20_000;
    static final double NEVER_STUB_MS = 300;
    static final int MAX_EXCERPT = 6_000;
    static final int WINDOW_EVENTS = 400;
    private static final int WIDTH_PX = 1200;
    private static final int LANE_PX = 22;
    private static final int AXIS_PX = 26;

    /** Trace kinds and record kinds too frequent to list in the excerpt unless near the violation. */
    private static final Set<String> CHATTER = Set.of("task", "timer", "send", "deliver", "drop", "duplicate",
            "disk-write", "disk-sync", "disk-dir-sync", "disk-create", "disk-mkdir", "disk-rename", "disk-delete",
            "disk-read", "obj-event-begin", "obj-event-end", "obj-write", "obj-seal", "obj-output-hold", "cluster-sweep");

    /**
     * The page for one run. {@code history} holds the clients' operations (null or empty when the
     * scenario records none); {@code files} lists the run folder's other files, for the links at the bottom.
     */
    public static String render(RunSummary summary, List<TraceLine> trace, History history, List<String> files) {
        RunStory story = RunStory.of(summary, trace);
        StringBuilder b = new StringBuilder(256 * 1024);
        head(b, summary);
        verdict(b, summary, story);
        timeline(b, story, history == null ? List.of() : history.operations());
        if (!story.violations().isEmpty()) violations(b, story);
        happened(b, story, trace.size());
        parameters(b, summary);
        excerpt(b, story, trace);
        b.append("<h2>Files</h2><ul>");
        for (String f : files) b.append("<li><a href=\"").append(esc(f)).append("\">").append(esc(f)).append("</a></li>");
        b.append("</ul>\n");
        script(b);
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void head(StringBuilder b, RunSummary s) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Duro run ")
                .append(esc(s.scenario())).append(" seed ").append(esc(s.seed())).append(": ").append(esc(s.verdict()))
                .append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:16px 20px;color:#222;max-width:1400px}")
                .append("h1{font-size:22px;margin:0 0 4px}h1 code,h2 code{font-size:inherit}h2{font-size:17px;margin:22px 0 6px;border-bottom:1px solid #ddd}")
                .append(".PASS{color:#1b7f3b}.FAIL{color:#b00020}.sub{color:#555}")
                .append(".box{border:1px solid #ccc;border-radius:4px;padding:8px 12px;margin:8px 0;background:#fafafa}")
                .append(".fail{border-color:#e8a0a8;background:#fdf1f2}")
                .append("code,pre,.mono{font-family:monospace;font-size:12px}pre{white-space:pre-wrap;margin:0}")
                .append("table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 7px;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}tr.hit td{background:#fff3c4}tr.viol td{background:#fde0e0}")
                .append("#trace{max-height:520px;overflow:auto;border:1px solid #ddd}#trace table{width:100%}")
                .append(".scroll{overflow-x:auto;border:1px solid #ddd}svg text{font-family:monospace;font-size:10px}")
                .append(".legend span{display:inline-block;margin-right:14px;font-size:12px}")
                .append(".sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid #777}")
                .append("button{font-size:12px;margin-right:6px}a{color:#0645ad}")
                .append("\n</style></head><body>\n");
    }

    private static void verdict(StringBuilder b, RunSummary s, RunStory story) {
        b.append("<h1>Duro simulation run: scenario <code>").append(esc(s.scenario())).append("</code>, seed <code>")
                .append(esc(s.seed())).append("</code> — <span class=\"").append(s.passed() ? "PASS" : "FAIL").append("\">")
                .append(esc(s.verdict())).append("</span></h1>\n");
        b.append("<div class=\"sub\">faults <code>").append(esc(s.faults())).append("</code> · ")
                .append(String.format(Locale.ROOT, "%,d", s.simTimeMs())).append(" ms simulated · stopped by ")
                .append(esc(s.stopReason())).append(" · exit code ").append(s.exitCode()).append(" · digest <code>")
                .append(esc(s.digest())).append("</code></div>\n");
        RunStory.ViolationRef first = story.firstViolation();
        if (first == null) {
            b.append("<div class=\"box\"><b class=\"PASS\">No property was violated.</b> ");
            String outcome = s.parameters().get("outcome");
            if (outcome != null) b.append("Clients: ").append(esc(outcome)).append(". ");
            b.append("Every check of this scenario passed over the whole run; the timeline and the counts below show what the run went through.</div>\n");
        } else {
            b.append("<div class=\"box fail\"><b class=\"FAIL\">The run broke ").append(esc(first.violation().property()))
                    .append("</b> (").append(esc(first.violation().failureClass().toLowerCase(Locale.ROOT))).append("): ")
                    .append(esc(Properties.words(first.violation().property()))).append(".<br><span class=\"mono\">")
                    .append(linkRefs(first.violation().message())).append("</span>");
            if (!Double.isNaN(first.atMs())) {
                b.append("<br>It shows at ").append(ms(first.atMs())).append(" (red line on the timeline).");
            }
            if (s.violations().size() > 1) {
                b.append(" ").append(s.violations().size() - 1).append(" more violation(s) below.");
            }
            b.append("</div>\n");
        }
        b.append("<div class=\"box\">Reproduce it exactly (same trace, same digest):<pre id=\"repro\">")
                .append(esc(s.repro())).append("</pre></div>\n");
    }

    private static void timeline(StringBuilder b, RunStory story, List<Operation> ops) {
        double end = Math.max(1, story.endMs());
        List<RunStory.Lane> lanes = story.lanes();
        int[] opLanes = new int[1];
        List<Integer> laneOfOp = packLanes(ops, opLanes);
        int height = AXIS_PX + lanes.size() * LANE_PX + opLanes[0] * LANE_PX + 10;
        int labelPx = 70;
        b.append("<h2>Timeline</h2>\n<div class=\"legend\">")
                .append("<span><i class=\"sw\" style=\"background:#bfe3c6\"></i>up</span>")
                .append("<span><i class=\"sw\" style=\"background:#9a9a9a\"></i>down (crashed or not started)</span>")
                .append("<span><i class=\"sw\" style=\"background:#f3c27a\"></i>paused</span>")
                .append("<span><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,#d04a9a 0 3px,#bfe3c6 3px 6px)\"></i>cut off by a partition (hover: from whom)</span>")
                .append("<span>▼ fault on a node</span><span style=\"color:#8a2be2\">│ partition change</span>")
                .append("<span style=\"color:#1b7f3b\">│ heal</span><span style=\"color:#888\">┆ phase</span>")
                .append("<span style=\"color:#b00020\">┃ first violation</span>")
                .append("<span><i class=\"sw\" style=\"background:#4f9a62\"></i>client op answered</span>")
                .append("<span><i class=\"sw\" style=\"background:#b7b7b7\"></i>failed (no effect)</span>")
                .append("<span><i class=\"sw\" style=\"background:#e0a030\"></i>outcome unknown (the client gave up)</span>")
                .append("<span><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,#e0a030 0 3px,#fff 3px 6px)\"></i>never answered</span></div>\n");
        b.append("<div><button onclick=\"zoom(1)\">whole run</button>");
        if (story.firstViolation() != null && !Double.isNaN(story.firstViolation().atMs())) {
            b.append("<button onclick=\"zoomTo(").append(fmt(story.firstViolation().atMs())).append(")\">around the first violation</button>");
        }
        b.append("<button onclick=\"zoom(2)\">zoom in</button><button onclick=\"zoom(0.5)\">zoom out</button>")
                .append("<span class=\"sub\"> scroll sideways when zoomed; click a mark to see its trace line</span></div>\n");
        b.append("<div class=\"scroll\" id=\"tl\"><svg id=\"tlsvg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH_PX + labelPx).append("\" height=\"").append(height).append("\" data-end=\"").append(fmt(end))
                .append("\" data-label=\"").append(labelPx).append("\" data-base=\"").append(WIDTH_PX).append("\">\n")
                .append("<defs><pattern id=\"cut\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
                .append("<rect width=\"3\" height=\"6\" fill=\"#d04a9a\" fill-opacity=\"0.55\"/></pattern>")
                .append("<pattern id=\"never\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
                .append("<rect width=\"3\" height=\"6\" fill=\"#e0a030\"/></pattern></defs>\n");
        b.append("<g id=\"axis\"></g>\n");
        for (int i = 0; i < lanes.size(); i++) {
            RunStory.Lane lane = lanes.get(i);
            int y = AXIS_PX + i * LANE_PX;
            b.append("<text x=\"2\" y=\"").append(y + 14).append("\">n").append(lane.node())
                    .append(lane.client() ? " client" : "").append("</text>\n");
            for (RunStory.Span sp : lane.spans()) {
                String fill = switch (sp.state()) {
                    case UP -> "#bfe3c6";
                    case DOWN -> "#9a9a9a";
                    case PAUSED -> "#f3c27a";
                };
                b.append("<rect class=\"t\" data-t0=\"").append(fmt(sp.fromMs())).append("\" data-t1=\"").append(fmt(sp.toMs()))
                        .append("\" y=\"").append(y + 3).append("\" height=\"").append(LANE_PX - 6).append("\" fill=\"").append(fill)
                        .append("\"><title>n").append(lane.node()).append(' ').append(sp.state().name().toLowerCase(Locale.ROOT))
                        .append(' ').append(ms(sp.fromMs())).append(" – ").append(ms(sp.toMs())).append(": ")
                        .append(esc(sp.note())).append("</title></rect>\n");
            }
            for (RunStory.Cut c : lane.cuts()) {
                b.append("<a href=\"#e").append(c.traceIndex()).append("\"><rect class=\"t\" data-t0=\"").append(fmt(c.fromMs()))
                        .append("\" data-t1=\"").append(fmt(c.toMs())).append("\" y=\"").append(y + 3).append("\" height=\"")
                        .append(LANE_PX - 6).append("\" fill=\"url(#cut)\"><title>n").append(lane.node())
                        .append(" cannot reach or hear ").append(esc(c.peers())).append(", ").append(ms(c.fromMs())).append(" – ")
                        .append(ms(c.toMs())).append("</title></rect></a>\n");
            }
        }
        clientOps(b, ops, laneOfOp, opLanes[0], AXIS_PX + lanes.size() * LANE_PX, end);
        int drawn = 0;
        int bottom = AXIS_PX + lanes.size() * LANE_PX + opLanes[0] * LANE_PX;
        for (RunStory.Mark m : story.marks()) {
            if (drawn++ >= MAX_MARKS) break;
            String title = "<title>" + esc(ms(m.atMs()) + " " + m.kind() + ": " + m.text()) + "</title>";
            if (m.node() < 0) {
                String color = switch (m.kind()) {
                    case "heal" -> "#1b7f3b";
                    case "partition" -> "#8a2be2";
                    default -> "#888";
                };
                b.append("<a href=\"#e").append(m.traceIndex()).append("\"><line class=\"m\" data-t0=\"").append(fmt(m.atMs()))
                        .append("\" y1=\"").append(AXIS_PX - 4).append("\" y2=\"").append(bottom).append("\" stroke=\"").append(color)
                        .append("\" stroke-width=\"1.5\"").append(m.kind().equals("phase") ? " stroke-dasharray=\"3,3\"" : "")
                        .append(">").append(title).append("</line></a>\n");
            } else {
                int lane = laneOf(lanes, m.node());
                if (lane < 0) continue;
                int y = AXIS_PX + lane * LANE_PX;
                b.append("<a href=\"#e").append(m.traceIndex()).append("\"><text class=\"m\" data-t0=\"").append(fmt(m.atMs()))
                        .append("\" y=\"").append(y + 9).append("\" text-anchor=\"middle\" fill=\"").append(markColor(m.kind()))
                        .append("\">▼").append(title).append("</text></a>\n");
            }
        }
        RunStory.ViolationRef first = story.firstViolation();
        if (first != null && !Double.isNaN(first.atMs())) {
            b.append("<line class=\"m\" id=\"violation-line\" data-t0=\"").append(fmt(first.atMs())).append("\" y1=\"")
                    .append(AXIS_PX - 8).append("\" y2=\"").append(bottom).append("\" stroke=\"#b00020\" stroke-width=\"3\"><title>")
                    .append(esc("first violation at " + ms(first.atMs()) + ": " + first.violation().property())).append("</title></line>\n");
        }
        b.append("</svg></div>\n");
        if (ops.size() > MAX_OPS) {
            b.append("<div class=\"sub\">").append(ops.size() - MAX_OPS).append(" later client operations are not drawn (limit ")
                    .append(MAX_OPS).append("); they are in history.jsonl.</div>\n");
        }
        if (story.marks().size() > MAX_MARKS) {
            b.append("<div class=\"sub\">").append(story.marks().size() - MAX_MARKS)
                    .append(" later marks are not drawn (limit ").append(MAX_MARKS).append("); they are in the trace.</div>\n");
        }
    }

    /**
     * Client operations as bars over [invoke, complete], packed into as few lanes as processes allow:
     * a client that gives up on an operation continues under a new process number (as in Jepsen),
     * so a lane holds one process after another. An operation never answered is drawn as a short
     * hatched stub ({@link #NEVER_STUB_MS}) rather than a bar to the end of the run.
     */
    private static void clientOps(StringBuilder b, List<Operation> ops, List<Integer> laneOfProcess, int laneCount, int top,
                                  double endMs) {
        for (int i = 0; i < laneCount; i++) {
            b.append("<text x=\"2\" y=\"").append(top + i * LANE_PX + 14).append("\">ops ").append(i + 1).append("</text>\n");
        }
        int drawn = 0;
        for (Operation op : ops) {
            if (drawn++ >= MAX_OPS) break;
            int y = top + laneOfProcess.get(op.id()) * LANE_PX;
            double from = op.invokeNanos() / 1e6;
            boolean never = op.completeNanos() == Operation.NEVER;
            double to = never ? Math.min(endMs, from + NEVER_STUB_MS) : op.completeNanos() / 1e6;
            String fill = switch (op.status()) {
                case OK -> "#4f9a62";
                case FAIL -> "#b7b7b7";
                case INFO -> never ? "url(#never)" : "#e0a030";
            };
            b.append("<rect class=\"t\" data-t0=\"").append(fmt(from)).append("\" data-t1=\"").append(fmt(Math.max(to, from)))
                    .append("\" y=\"").append(y + 5).append("\" height=\"").append(LANE_PX - 10).append("\" fill=\"").append(fill)
                    .append("\" stroke=\"#fff\" stroke-width=\"0.5\"><title>").append(esc(op.describe() + " [" + op.status().label()
                            + "] " + ms(from) + " – " + (never ? "never answered" : ms(to))))
                    .append("</title></rect>\n");
        }
    }

    /** For each op (by id), its lane: processes packed greedily, a lane reused once its last process is done. */
    static List<Integer> packLanes(List<Operation> ops, int[] laneCount) {
        java.util.Map<Integer, double[]> span = new java.util.TreeMap<>();
        for (Operation op : ops) {
            double from = op.invokeNanos() / 1e6;
            double to = op.completeNanos() == Operation.NEVER ? from + NEVER_STUB_MS : op.completeNanos() / 1e6;
            span.merge(op.process(), new double[] {from, to}, (x, y) -> new double[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
        }
        List<Integer> processes = new ArrayList<>(span.keySet());
        processes.sort(java.util.Comparator.comparingDouble((Integer p) -> span.get(p)[0]).thenComparingInt(p -> p));
        List<Double> laneEnds = new ArrayList<>();
        java.util.Map<Integer, Integer> laneOf = new java.util.TreeMap<>();
        for (int p : processes) {
            double[] sp = span.get(p);
            int lane = -1;
            for (int i = 0; i < laneEnds.size(); i++) {
                if (laneEnds.get(i) < sp[0]) {
                    lane = i;
                    break;
                }
            }
            if (lane < 0) {
                lane = laneEnds.size();
                laneEnds.add(0.0);
            }
            laneEnds.set(lane, sp[1]);
            laneOf.put(p, lane);
        }
        laneCount[0] = laneEnds.size();
        List<Integer> out = new ArrayList<>(ops.size());
        for (Operation op : ops) out.add(laneOf.get(op.process()));
        return out;
    }

    private static void violations(StringBuilder b, RunStory story) {
        b.append("<h2>What went wrong</h2>\n<table><tr><th>property</th><th>class</th><th>what it means</th><th>evidence</th></tr>\n");
        for (RunStory.ViolationRef v : story.violations()) {
            b.append("<tr class=\"viol\"><td>").append(esc(v.violation().property())).append("</td><td>")
                    .append(esc(v.violation().failureClass().toLowerCase(Locale.ROOT))).append("</td><td>")
                    .append(esc(Properties.words(v.violation().property()))).append("</td><td class=\"mono\">")
                    .append(linkRefs(v.violation().message())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        RunStory.ViolationRef first = story.firstViolation();
        if (first.objectPrefix() != null) {
            b.append("<h2>The story of object <code>").append(esc(first.objectPrefix())).append("</code></h2>\n")
                    .append("<div class=\"sub\">Who owned it under which fence (epoch), installs of its log on replicas, leases lost, ")
                    .append("recoveries, evictions, and each change of the fence its outputs were sent under. Click a line to see it in the trace.</div>\n");
            if (story.objectStory().isEmpty()) {
                b.append("<p>No ownership facts about this object are in the trace.</p>\n");
            } else {
                b.append("<div id=\"story\" style=\"max-height:360px;overflow:auto\"><table><tr><th>#</th><th>time</th><th>node</th><th>fact</th><th>details</th></tr>\n");
                for (TraceLine t : story.objectStory()) {
                    boolean after = !Double.isNaN(first.atMs()) && t.timeMs() > first.atMs();
                    b.append("<tr").append(first.traceIndices().contains(t.index()) ? " class=\"viol\"" : "")
                            .append(after ? " style=\"opacity:0.55\"" : "").append("><td><a href=\"#e").append(t.index()).append("\">#")
                            .append(t.index()).append("</a></td><td>").append(ms(t.timeMs())).append("</td><td>")
                            .append(esc(t.node() == null ? "--" : t.node())).append("</td><td>").append(esc(t.what()))
                            .append("</td><td class=\"mono\">").append(esc(t.text())).append("</td></tr>\n");
                }
                b.append("</table></div>\n");
            }
        }
    }

    private static void happened(StringBuilder b, RunStory story, int traceEvents) {
        b.append("<h2>What happened</h2>\n<table><tr><th>fact</th><th>count</th></tr>\n");
        b.append("<tr><td>trace events</td><td>").append(String.format(Locale.ROOT, "%,d", traceEvents)).append("</td></tr>\n");
        for (Map.Entry<String, Integer> e : story.happened().entrySet()) {
            b.append("<tr><td>").append(esc(e.getKey())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", e.getValue())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void parameters(StringBuilder b, RunSummary s) {
        b.append("<h2>Parameters drawn from the seed</h2>\n<table>\n");
        for (Map.Entry<String, String> e : s.parameters().entrySet()) {
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td class=\"mono\">").append(esc(e.getValue()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void excerpt(StringBuilder b, RunStory story, List<TraceLine> trace) {
        TreeSet<Long> wanted = new TreeSet<>();
        for (RunStory.ViolationRef v : story.violations()) wanted.addAll(v.traceIndices());
        for (TraceLine t : story.objectStory()) wanted.add(t.index());
        for (RunStory.Lane lane : story.lanes()) for (RunStory.Cut c : lane.cuts()) wanted.add(c.traceIndex());
        int drawnMarks = 0;
        for (RunStory.Mark m : story.marks()) if (drawnMarks++ < MAX_MARKS) wanted.add(m.traceIndex());
        RunStory.ViolationRef first = story.firstViolation();
        if (first != null && !first.traceIndices().isEmpty()) {
            long last = first.traceIndices().stream().mapToLong(Long::longValue).max().orElse(0);
            for (long i = Math.max(0, last - WINDOW_EVENTS); i <= last + WINDOW_EVENTS / 8; i++) wanted.add(i);
        }
        for (TraceLine t : trace) {
            if (wanted.size() >= MAX_EXCERPT) break;
            if (!CHATTER.contains(t.what())) wanted.add(t.index());
        }
        List<TraceLine> rows = new ArrayList<>();
        for (TraceLine t : trace) if (wanted.contains(t.index())) rows.add(t);
        b.append("<h2>Trace excerpt</h2>\n<div class=\"sub\">").append(String.format(Locale.ROOT, "%,d", rows.size()))
                .append(" of ").append(String.format(Locale.ROOT, "%,d", trace.size()))
                .append(" events: everything the violations, the object story and the timeline marks name, ");
        if (first != null && !first.traceIndices().isEmpty()) {
            b.append("every event in a window around the first violation, ");
        }
        b.append("then protocol-level facts in trace order (message and disk chatter is in the full trace file). ")
                .append("Filter: <input id=\"filter\" size=\"40\" placeholder=\"text, e.g. n2 or repl-won\" oninput=\"filterTrace()\"></div>\n")
                .append("<div id=\"trace\"><table><tr><th>#</th><th>time</th><th>node</th><th>kind</th><th>text</th></tr>\n");
        TreeSet<Long> violating = new TreeSet<>();
        for (RunStory.ViolationRef v : story.violations()) violating.addAll(v.traceIndices());
        for (TraceLine t : rows) {
            b.append("<tr id=\"e").append(t.index()).append("\"").append(violating.contains(t.index()) ? " class=\"viol\"" : "")
                    .append("><td>").append(t.index()).append("</td><td>").append(ms(t.timeMs())).append("</td><td>")
                    .append(esc(t.node() == null ? "--" : t.node())).append("</td><td>").append(esc(t.what()))
                    .append("</td><td class=\"mono\">").append(esc(t.text() == null ? "" : t.text())).append("</td></tr>\n");
        }
        b.append("</table></div>\n");
    }

    private static void script(StringBuilder b) {
        b.append("<script>\n")
                .append("var scale=1;\n")
                .append("function draw(){var s=document.getElementById('tlsvg');var end=+s.dataset.end,lab=+s.dataset.label,w=+s.dataset.base*scale;")
                .append("s.setAttribute('width',w+lab);var x=function(t){return lab+t/end*w;};")
                .append("s.querySelectorAll('.t').forEach(function(r){var a=x(+r.dataset.t0),z=x(+r.dataset.t1);r.setAttribute('x',a);r.setAttribute('width',Math.max(1,z-a));});")
                .append("s.querySelectorAll('line.m').forEach(function(l){var a=x(+l.dataset.t0);l.setAttribute('x1',a);l.setAttribute('x2',a);});")
                .append("s.querySelectorAll('text.m').forEach(function(t){t.setAttribute('x',x(+t.dataset.t0));});")
                .append("var g=document.getElementById('axis');g.innerHTML='';var step=Math.pow(10,Math.floor(Math.log10(end/(10*scale))));")
                .append("if(end/step/scale>20)step*=2;if(end/step/scale>20)step*=2.5;")
                .append("for(var t=0;t<=end;t+=step){var e=document.createElementNS('http://www.w3.org/2000/svg','text');")
                .append("e.setAttribute('x',x(t));e.setAttribute('y',12);e.textContent=(t>=1000?(t/1000)+'s':t+'ms');g.appendChild(e);}}\n")
                .append("function zoom(f){scale=f===1?1:Math.max(1,Math.min(1000,scale*f));draw();}\n")
                .append("function zoomTo(t){scale=Math.max(scale,8);draw();var s=document.getElementById('tlsvg');")
                .append("document.getElementById('tl').scrollLeft=(+s.dataset.label)+t/(+s.dataset.end)*(+s.dataset.base)*scale-400;}\n")
                .append("function filterTrace(){var q=document.getElementById('filter').value.toLowerCase();")
                .append("document.querySelectorAll('#trace tr[id]').forEach(function(r){r.style.display=!q||r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});}\n")
                .append("function mark(){document.querySelectorAll('tr.hit').forEach(function(r){r.classList.remove('hit');});")
                .append("var id=location.hash.substring(1);var r=id&&document.getElementById(id);if(r){r.classList.add('hit');")
                .append("var box=document.getElementById('trace');box.scrollTop=r.offsetTop-box.clientHeight/2;}}\n")
                .append("window.addEventListener('hashchange',mark);draw();mark();\n")
                .append("</script>\n");
    }

    /** The message with each {@code #123} trace reference turned into a link to its excerpt line. */
    static String linkRefs(String message) {
        return esc(message).replaceAll("#(\\d+)", "<a href=\"#e$1\">#$1</a>");
    }

    private static int laneOf(List<RunStory.Lane> lanes, int node) {
        for (int i = 0; i < lanes.size(); i++) if (lanes.get(i).node() == node) return i;
        return -1;
    }

    private static String markColor(String kind) {
        return switch (kind) {
            case "crash" -> "#b00020";
            case "pause" -> "#c77700";
            case "disk" -> "#6a3d9a";
            case "clock" -> "#1f78b4";
            default -> "#444";
        };
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%,.1f ms", ms);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String esc(String s) {
        return Html.esc(s);
    }
}
