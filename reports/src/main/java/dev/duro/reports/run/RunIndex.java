package dev.duro.reports.run;

import static dev.duro.reports.Html.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The page of a sweep's folder: its failing runs grouped by violated property, each linked to its run's page. */
public final class RunIndex {
    private RunIndex() {}

    /**
     * One failing run with a folder.
     *
     * @param folder the run folder's name inside the sweep folder
     */
    public record Entry(String scenario, String seed, List<String> properties, String firstViolation, String folder,
                        String repro) {}

    /**
     * @param title what was swept (the command)
     * @param totals the sweep's total line
     * @param entries failing runs that have a folder
     * @param failedWithoutFolder failing runs beyond the folder limit (listed by the sweep's text output)
     */
    public static String render(String title, String totals, List<Entry> entries, int failedWithoutFolder) {
        Map<String, List<Entry>> byProperty = new TreeMap<>();
        for (Entry e : entries) for (String p : e.properties()) byProperty.computeIfAbsent(p, k -> new ArrayList<>()).add(e);
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Duro sweep: ")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:16px 20px;color:#222}")
                .append("h1{font-size:20px}h2{font-size:16px;margin-top:20px}table{border-collapse:collapse;font-size:12px}")
                .append("td,th{border:1px solid #ddd;padding:2px 7px;text-align:left;vertical-align:top}th{background:#f0f0f0}")
                .append("code{font-size:12px}.sub{color:#555}</style></head><body>\n");
        b.append("<h1>Duro sweep</h1><div><code>").append(esc(title)).append("</code></div><p>").append(esc(totals)).append("</p>\n");
        if (entries.isEmpty()) {
            b.append("<p><b>No run failed.</b></p>\n");
        }
        for (Map.Entry<String, List<Entry>> p : byProperty.entrySet()) {
            b.append("<h2>").append(esc(p.getKey())).append(": ").append(esc(Properties.words(p.getKey()))).append(" (")
                    .append(p.getValue().size()).append(" run").append(p.getValue().size() == 1 ? "" : "s").append(")</h2>\n")
                    .append("<table><tr><th>scenario</th><th>seed</th><th>first violation</th><th>reproduce</th></tr>\n");
            for (Entry e : p.getValue()) {
                b.append("<tr><td>").append(esc(e.scenario())).append("</td><td><a href=\"").append(esc(e.folder()))
                        .append("/report.html\">").append(esc(e.seed())).append("</a></td><td>").append(esc(e.firstViolation()))
                        .append("</td><td><code>").append(esc(e.repro())).append("</code></td></tr>\n");
            }
            b.append("</table>\n");
        }
        if (failedWithoutFolder > 0) {
            b.append("<p class=\"sub\">").append(failedWithoutFolder)
                    .append(" more failing runs have no folder here (limit reached); their repro lines are in the sweep's output.</p>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }
}
