package dev.duro.reports.lin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.check.CheckResult;
import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Models;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import org.junit.jupiter.api.Test;

/** The counterexample page is self-contained and highlights what it must. */
class LinearizabilityReportTest {
    private static History staleRead() {
        HistoryRecorder r = new HistoryRecorder();
        var w1 = r.invoke(0, "write", 1L, 0);
        r.ok(w1, 1L, 10);
        var w2 = r.invoke(1, "write", 2L, 20);
        r.ok(w2, 2L, 30);
        var read = r.invoke(2, "read", null, 40);
        r.ok(read, 1L, 50);
        var lost = r.invoke(3, "write", 9L, 45);
        r.info(lost, 60);
        return r.build();
    }

    @Test
    void aViolationPageHasLanesTheFailingOpAndTheLinearization() {
        History h = staleRead();
        CheckResult res = LinearizabilityChecker.check(h, Models.create("register", null), LinearizabilityChecker.Options.unbounded());
        String html = LinearizabilityReport.render("stale <read>", "register", h, res);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("stale &lt;read&gt;");
        assertThat(html).contains("process 0").contains("process 3").contains("indeterminate: may take effect at any time after invoke, or never");
        assertThat(html).contains("#e05260").contains("p2 read() -&gt; 1");
        assertThat(html).contains("Longest partial linearization").contains("<title>");
        // Self-contained: nothing fetched from anywhere.
        assertThat(html).doesNotContain("<script src").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("https:").doesNotContain("url(http");
    }

    @Test
    void aLinearizablePageDrawsTheHistoryWithoutACounterexample() {
        HistoryRecorder r = new HistoryRecorder();
        r.ok(r.invoke(0, "write", 1L, 0), 1L, 10);
        History h = r.build();
        CheckResult res = LinearizabilityChecker.check(h, Models.create("register", null), LinearizabilityChecker.Options.unbounded());
        String html = LinearizabilityReport.render("ok", "register", h, res);
        assertThat(html).contains("LINEARIZABLE").doesNotContain("Longest partial linearization");
    }

    @Test
    void userStringsAreEscapedEverywhere() {
        // Keys and values are the user's: a partition name, op descriptions, states and tooltips all carry them.
        String nasty = "<script>alert('x')</script>&amp;\"q\"";
        HistoryRecorder r = new HistoryRecorder();
        r.ok(r.invoke(0, "put", nasty, nasty, 0), nasty, 10);
        r.ok(r.invoke(1, "get", nasty, null, 20), "<b>stale</b> & \"other\"", 30);
        History h = r.build();
        CheckResult res = LinearizabilityChecker.check(h, Models.create("kv", null), LinearizabilityChecker.Options.unbounded());
        String html = LinearizabilityReport.render("t<i>&\"", "kv<", h, res);
        assertThat(res.counterexample().partitionName()).contains("<script>");
        assertThat(html).doesNotContain("<script").doesNotContain("<b>stale").doesNotContain("<i>").doesNotContain("kv<")
                .doesNotContain("&amp;\"q").doesNotContain("& \"other");
        assertThat(html).contains("&lt;script&gt;alert('x')&lt;/script&gt;&amp;amp;")
                .contains("&lt;b&gt;stale&lt;/b&gt; &amp; \\&quot;other\\&quot;")
                .contains("t&lt;i&gt;&amp;&quot;");
    }
}
