package dev.duro.reports.lin;

import dev.duro.model.check.CheckResult;
import dev.duro.model.check.Counterexample;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.reports.Html;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a checked history as one self-contained HTML page (inline CSS and SVG, no scripts, no
 * fonts, no server): one lane per process, one bar per operation over its [invoke, complete]
 * interval. For a violation it draws the failing partition: bars of the longest partial
 * linearization in green, numbered in linearization order; the op that cannot be linearized in
 * red; indeterminate ops hatched and running off to the right. Hovering a bar shows its details
 * (SVG {@code <title>}). Below, the partial linearization as a table with the state after each op.
 */
public final class LinearizabilityReport {
    private LinearizabilityReport() {}

    private static final int WIDTH_PX = 1300;
    private static final int LANE_PX = 30;
    private static final int LABEL_PX = 70;
    private static final int MAX_DRAWN_OPS = 5000;

    /** The page for {@code history} checked under {@code modelName} with result {@code r}. */
    public static String render(String title, String modelName, History history, CheckResult r) {
        Counterexample c = r.counterexample();
        List<Operation> ops = c != null ? c.partitionOps() : history.withoutFailures().operations();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append(" — ").append(r.verdict()).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:16px;color:#222}h1{font-size:20px;margin:0 0 6px}")
                .append(".v-VIOLATION{color:#b00020}.v-LINEARIZABLE{color:#1b7f3b}.v-UNKNOWN{color:#a66b00}")
                .append(".meta{color:#555;margin:4px 0 12px}.legend span{display:inline-block;margin-right:14px}")
                .append(".sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid #555}")
                .append("svg text{font-family:monospace;font-size:11px}rect.op:hover{stroke:#000;stroke-width:2}")
                .append("table{border-collapse:collapse;font-family:monospace;font-size:12px;margin-top:12px}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}tr.fail td{background:#fde0e0;font-weight:bold}")
                .append(".scroll{overflow-x:auto;border:1px solid #ddd}\n</style></head><body>\n");
        b.append("<h1>").append(esc(title)).append(": <span class=\"v-").append(r.verdict()).append("\">")
                .append(r.verdict()).append("</span></h1>\n");
        b.append("<div class=\"meta\">model <b>").append(esc(modelName)).append("</b> · ").append(r.ops())
                .append(" ops · ").append(r.partitions()).append(" partition(s) · ").append(r.steps()).append(" search steps");
        if (!r.reason().isEmpty()) b.append(" · ").append(esc(r.reason()));
        b.append("</div>\n");
        if (c != null) {
            b.append("<p>In partition <b>").append(esc(c.partitionName())).append("</b>, the longest partial linearization has <b>")
                    .append(c.linearized().size()).append("</b> of ").append(c.partitionOps().size())
                    .append(" ops; nothing extends it past <b style=\"color:#b00020\">").append(esc(c.failing().describe()))
                    .append("</b>").append(c.failing().line() > 0 ? " (line " + c.failing().line() + ")" : "")
                    .append(", whose state before is <code>").append(esc(c.stateBeforeFailing())).append("</code>.</p>\n");
        }
        b.append("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#7cc48e\"></i>in the partial linearization (numbered)</span>")
                .append("<span><i class=\"sw\" style=\"background:#e05260\"></i>cannot be linearized</span>")
                .append("<span><i class=\"sw\" style=\"background:#c9d3df\"></i>other op</span>")
                .append("<span><i class=\"sw\" style=\"background:repeating-linear-gradient(45deg,#f3c77a,#f3c77a 3px,#fff 3px,#fff 6px);border-color:#b07a1a\"></i> indeterminate (may happen any time after invoke, or never; orange border)</span></div>\n");
        drawLanes(b, ops, c);
        if (c != null) drawTable(b, c);
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void drawLanes(StringBuilder b, List<Operation> all, Counterexample c) {
        List<Operation> ops = all.size() > MAX_DRAWN_OPS ? all.subList(0, MAX_DRAWN_OPS) : all;
        if (ops.size() < all.size()) {
            b.append("<p>Only the first ").append(MAX_DRAWN_OPS).append(" of ").append(all.size()).append(" ops are drawn.</p>\n");
        }
        TreeSet<Integer> processes = new TreeSet<>();
        long minT = Long.MAX_VALUE;
        long maxT = Long.MIN_VALUE;
        for (Operation op : ops) {
            processes.add(op.process());
            minT = Math.min(minT, op.invokeNanos());
            maxT = Math.max(maxT, op.invokeNanos());
            if (op.completeNanos() != Operation.NEVER) maxT = Math.max(maxT, op.completeNanos());
        }
        if (ops.isEmpty()) {
            b.append("<p>(no operations)</p>\n");
            return;
        }
        Map<Integer, Integer> lane = new HashMap<>();
        for (int p : processes) lane.put(p, lane.size());
        Map<Operation, Integer> order = new HashMap<>();
        if (c != null) for (int i = 0; i < c.linearized().size(); i++) order.put(c.linearized().get(i), i + 1);
        double span = Math.max(1, maxT - minT);
        double plotPx = WIDTH_PX - LABEL_PX - 40;
        int height = processes.size() * LANE_PX + 30;
        b.append("<div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH_PX)
                .append("\" height=\"").append(height).append("\">\n<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
                .append("<rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"3\" height=\"6\" fill=\"#f3c77a\"/></pattern></defs>\n");
        for (int p : processes) {
            int y = lane.get(p) * LANE_PX + 20;
            b.append("<text x=\"4\" y=\"").append(y + 15).append("\">process ").append(p).append("</text>")
                    .append("<line x1=\"").append(LABEL_PX).append("\" x2=\"").append(WIDTH_PX).append("\" y1=\"").append(y + LANE_PX - 3)
                    .append("\" y2=\"").append(y + LANE_PX - 3).append("\" stroke=\"#eee\"/>\n");
        }
        for (Operation op : ops) {
            double x1 = LABEL_PX + (op.invokeNanos() - minT) / span * plotPx;
            boolean open = op.indeterminate();
            double x2 = open ? WIDTH_PX - 4 : LABEL_PX + (op.completeNanos() - minT) / span * plotPx;
            double w = Math.max(3, x2 - x1);
            int y = lane.get(op.process()) * LANE_PX + 20;
            Integer n = order.get(op);
            boolean failing = c != null && op.equals(c.failing());
            String fill = failing ? "#e05260" : n != null ? "#7cc48e" : open ? "url(#hatch)" : "#c9d3df";
            b.append("<g><rect class=\"op\" x=\"").append(fmt(x1)).append("\" y=\"").append(y + 3).append("\" width=\"").append(fmt(w))
                    .append("\" height=\"").append(LANE_PX - 10).append("\" rx=\"3\" fill=\"").append(fill)
                    .append("\" stroke=\"").append(failing ? "#7a0010" : open ? "#b07a1a" : "#667").append("\"")
                    .append(failing ? " stroke-width=\"2\"" : "").append("><title>").append(esc(tooltip(op, n, failing)))
                    .append("</title></rect>");
            String label = (n != null ? n + ". " : "") + op.f() + (op.status() == Status.OK ? "" : "?");
            if (w > label.length() * 7 + 4) {
                b.append("<text x=\"").append(fmt(x1 + 3)).append("\" y=\"").append(y + 16).append("\" pointer-events=\"none\">")
                        .append(esc(label)).append("</text>");
            }
            if (failing) {
                b.append("<text x=\"").append(fmt(x1 + w + 3)).append("\" y=\"").append(y + 16)
                        .append("\" fill=\"#b00020\" font-weight=\"bold\">✗ ").append(esc(op.f())).append("</text>");
            }
            b.append("</g>\n");
        }
        b.append("</svg></div>\n");
    }

    private static String tooltip(Operation op, Integer n, boolean failing) {
        StringBuilder t = new StringBuilder(op.describe());
        t.append("\ninvoke t=").append(op.invokeNanos()).append(", complete t=")
                .append(op.completeNanos() == Operation.NEVER ? "never" : String.valueOf(op.completeNanos()));
        if (op.line() > 0) t.append("\nline ").append(op.line());
        if (n != null) t.append("\nlinearized as #").append(n);
        if (failing) t.append("\ncannot be linearized after the partial linearization");
        if (op.indeterminate()) t.append("\nindeterminate: may take effect at any time after invoke, or never");
        return t.toString();
    }

    private static void drawTable(StringBuilder b, Counterexample c) {
        b.append("<h2 style=\"font-size:16px\">Longest partial linearization</h2>\n<table><tr><th>#</th><th>operation</th><th>line</th><th>state after</th></tr>\n");
        b.append("<tr><td>0</td><td>(initial)</td><td></td><td>").append(esc(c.initialState())).append("</td></tr>\n");
        for (int i = 0; i < c.linearized().size(); i++) {
            Operation op = c.linearized().get(i);
            b.append("<tr><td>").append(i + 1).append("</td><td>").append(esc(op.describe())).append("</td><td>")
                    .append(op.line() > 0 ? String.valueOf(op.line()) : "").append("</td><td>")
                    .append(esc(c.statesAfter().get(i))).append("</td></tr>\n");
        }
        Operation f = c.failing();
        b.append("<tr class=\"fail\"><td>✗</td><td>").append(esc(f.describe())).append("</td><td>")
                .append(f.line() > 0 ? String.valueOf(f.line()) : "").append("</td><td>cannot be linearized in state ")
                .append(esc(c.stateBeforeFailing())).append(" (nor in any order tried)</td></tr>\n</table>\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return Html.esc(s);
    }
}
