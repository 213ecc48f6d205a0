package dev.duro.cli.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutationTableCommandTest {
    @TempDir
    Path dir;

    private static String mutation(String cls, String method, int line, String status, boolean detected, String description) {
        return "<mutation detected='" + detected + "' status='" + status + "' numberOfTestsRun='1'><sourceFile>X.java</sourceFile>"
                + "<mutatedClass>" + cls + "</mutatedClass><mutatedMethod>" + method + "</mutatedMethod><methodDescription>()V"
                + "</methodDescription><lineNumber>" + line + "</lineNumber>"
                + "<mutator>org.pitest.mutationtest.engine.gregor.mutators.VoidMethodCallMutator</mutator><indexes><index>1</index>"
                + "</indexes><blocks><block>0</block></blocks><killingTest/><description>" + description + "</description></mutation>\n";
    }

    private Path report(String name, String... mutations) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("mutations.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutations partial=\"true\">\n"
                + String.join("", mutations) + "</mutations>\n");
        return d;
    }

    @Test
    void countsEveryStatusPerPackageAndScoresWithoutTheEquivalentOnes() throws IOException {
        Path cluster = report("cluster",
                mutation("dev.duro.runtime.cluster.Router", "route", 10, "KILLED", true, "a"),
                mutation("dev.duro.runtime.cluster.Router$Cache", "get", 11, "TIMED_OUT", true, "b"),
                mutation("dev.duro.runtime.cluster.Router", "route", 12, "SURVIVED", false, "removed call to trace"),
                mutation("dev.duro.runtime.cluster.Placement", "place", 20, "NO_COVERAGE", false, "d"),
                mutation("dev.duro.runtime.cluster.Placement", "place", 21, "RUN_ERROR", true, "e"));
        Path log = report("log", mutation("dev.duro.runtime.log.DiskObjectLog", "append", 5, "SURVIVED", false, "f"));
        Path triage = dir.resolve("triage.tsv");
        Files.writeString(triage, "# comment\nRouter.route:12\tVoidMethodCallMutator\tequivalent\tthe trace is read by nobody here\n"
                + "DiskObjectLog.append:5\tVoidMethodCallMutator\topen\ta test at the segment boundary would kill it\n");

        CliRun r = CliRun.of("mutation", "table", "--by-class", "--triage", triage.toString(), cluster.toString(), log.toString());

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).as(r.all())
                .contains("| **cluster** | 5 | 1 | 1 | 1 | 1 | 1 | 1 | 0 | 1 | 3/5 = 60.0 % | 3/4 = 75.0 % |")
                .contains("| Router | 3 | 1 | 1 | 0 | 1 | 0 | 1 | 0 | 0 | 2/3 = 66.7 % | 2/2 = 100.0 % |")
                .contains("| **log** | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 1 | 0 | 0/1 = 0.0 % | 0/1 = 0.0 % |")
                .contains("| **all** | 6 | 1 | 1 | 1 | 2 | 1 | 1 | 1 | 1 | 3/6 = 50.0 % | 3/5 = 60.0 % |");
        assertThat(r.err()).isEmpty();

        CliRun open = CliRun.of("mutation", "table", "--untriaged", "--triage", triage.toString(), cluster.toString());
        assertThat(open.lines()).as(open.all()).containsExactly("Placement.place:20\tVoidMethodCallMutator\t?\tNO_COVERAGE: d");
    }

    @Test
    void aTriageLineThatMatchesNoSurvivorIsReportedAsStale() throws IOException {
        Path cluster = report("cluster", mutation("dev.duro.runtime.cluster.Router", "route", 10, "KILLED", true, "a"));
        Path triage = dir.resolve("triage.tsv");
        Files.writeString(triage, "Router.route:10\tVoidMethodCallMutator\tequivalent\tkilled since\n");
        CliRun r = CliRun.of("mutation", "table", "--triage", triage.toString(), cluster.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("1 triage line(s) match no surviving mutant").contains("Router.route:10 VoidMethodCallMutator (line 1)");
    }

    @Test
    void badReportsAndTriageFilesGetOneLineAndExit2() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path notXml = Files.writeString(dir.resolve("mutations.xml"), "not xml");
        Path badTriage = Files.writeString(dir.resolve("bad.tsv"), "Router.route:10\tVoidMethodCallMutator\tmaybe\twhy\n");
        Path ok = report("ok", mutation("dev.duro.runtime.cluster.Router", "route", 10, "KILLED", true, "a"));
        Path one = Files.writeString(dir.resolve("one.tsv"), "Router.route:10\tVoidMethodCallMutator\topen\twhy\n");
        Path two = Files.writeString(dir.resolve("two.tsv"), "# also\nRouter.route:10\tVoidMethodCallMutator\tequivalent\twhy not\n");
        for (var c : new Object[][] {
                {new String[] {"mutation", "table", empty.toString()}, "no PIT report at"},
                {new String[] {"mutation", "table", notXml.toString()}, "is not a PIT mutations.xml report"},
                {new String[] {"mutation", "table", "--triage", badTriage.toString(), ok.toString()}, "the verdict must be 'equivalent' or 'open'"},
                {new String[] {"mutation", "table", "--triage", dir.resolve("none.tsv").toString(), ok.toString()}, "cannot read it"},
                {new String[] {"mutation", "table", "--triage", one.toString(), "--triage", two.toString(), ok.toString()},
                        "line 2: 'Router.route:10 VoidMethodCallMutator' is triaged in another file too"}}) {
            CliRun r = CliRun.of((String[]) c[0]);
            assertThat(r.exit()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).as(r.all()).contains((String) c[1]);
            assertThat(r.showsStackTrace()).as(r.all()).isFalse();
            assertThat(r.err().lines().count()).as(r.all()).isEqualTo(1);
        }
    }
}
