package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import dev.duro.scenarios.kv.KvScenario;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as data: a seeded run's recorded plan, written and read back, replays to the same failure
 * and executes exactly what it lists; the minimizer's result still fails the same property and is
 * smaller. Planted bugs at the seeds of docs/bug-detection.md.
 */
class PlanReplayTest {
    private static final Scenario KV = new KvScenario();

    private static RunConfig bugRun(long seed, String bug) {
        return Runner.resolved(KV, RunConfig.of(seed, KV.name()).withFaults(FaultSelection.SWARM).withBugs(List.of(bug)));
    }

    private static List<String> properties(RunResult r) {
        return r.violations().stream().map(Violation::property).distinct().sorted().toList();
    }

    @Test
    void aRecordedPlanReplaysToTheSameFailureAndExecutesExactlyWhatItLists() {
        RunConfig config = bugRun(3, "stale-epoch");
        Minimizer runner = new Minimizer(KV, "P3", Long.MAX_VALUE, Integer.MAX_VALUE, (what, now) -> { });
        Minimizer.Tried original = runner.run(new Minimizer.Candidate(config, null));
        assertThat(properties(original.result())).contains("P3");
        RunPlan recorded = original.executed();
        assertThat(recorded.faults()).isNotEmpty();
        assertThat(recorded.workload().ops()).isNotEmpty();

        String text = PlanFile.write(recorded, config, original.result().untilMs(), config.nodes());
        RunPlan read = PlanFile.parse(text, "test", config, original.result().untilMs(), config.nodes());
        assertThat(read).isEqualTo(recorded);

        Minimizer.Tried replay = runner.run(new Minimizer.Candidate(config, read));
        assertThat(properties(replay.result())).isEqualTo(properties(original.result()));
        // Same events, same operations: the run the plan describes is the run that ran.
        assertThat(replay.executed()).isEqualTo(recorded);
        assertThat(replay.result().events()).isEqualTo(original.result().events());
    }

    @Test
    void aSeededRunIsTheSameWhetherOrNotItsPlanIsRead() {
        RunConfig config = bugRun(3, "stale-epoch");
        String[] digest = new String[2];
        digest[0] = Runner.run(KV, config, TraceListener.NONE).digest();
        digest[1] = Runner.run(KV, config, null, TraceListener.NONE, done -> done.executedPlan()).digest();
        assertThat(digest[1]).isEqualTo(digest[0]);
    }

    /**
     * A run that replayed an edited plan is not its seed's run: the reproduction line in its folder
     * (summary, parameters, page) and in its JSON must name the plan it was given, and running that
     * line must give the planned run's digest.
     */
    @Test
    void aPlannedRunsFolderReproducesThePlanNotTheSeed(@TempDir Path tmp) throws Exception {
        CliRun seeded = CliRun.of("sim", "run", "--seed", "3", "--scenario", "kv", "--until-ms", "3000",
                "--out", tmp.resolve("seeded").toString());
        assertThat(seeded.exit()).as(seeded.all()).isZero();
        // The same plan without its faults: another run under the same seed.
        String calm = Files.readAllLines(tmp.resolve("seeded/plan.jsonl")).stream()
                .filter(l -> !l.startsWith("{\"fault\"")).collect(Collectors.joining("\n", "", "\n"));
        Path plan = Files.writeString(tmp.resolve("calm.jsonl"), calm);
        Path folder = tmp.resolve("planned");
        CliRun planned = CliRun.of("sim", "run", "--seed", "3", "--scenario", "kv", "--until-ms", "3000",
                "--plan", plan.toString(), "--out", folder.toString(), "--json");
        assertThat(planned.exit()).as(planned.all()).isZero();
        String digest = line(planned.out(), "digest: ");
        assertThat(digest).isNotEqualTo(line(seeded.out(), "digest: "));

        String repro = "./duro sim run --seed 3 --scenario kv --until-ms 3000 --max-events 20000000 --faults profiles"
                + " --nodes 5 --plan " + plan;
        assertThat(Files.readString(folder.resolve("summary.json"))).contains("\"repro\":\"" + repro + "\"");
        assertThat(Files.readAllLines(folder.resolve("params.txt"))).last().isEqualTo("repro: " + repro);
        assertThat(Files.readString(folder.resolve("report.html"))).contains(repro);
        assertThat(planned.last()).contains("\"repro\":\"" + repro + "\"");

        String[] args = repro.substring("./duro ".length()).split(" ");
        CliRun again = CliRun.of(args);
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(line(again.out(), "digest: ")).isEqualTo(digest);
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    @Test
    void theMinimizedRunFailsTheSamePropertyAndIsSmaller() {
        RunConfig config = bugRun(1, "early-output-gate");
        Minimizer m = new Minimizer(KV, "P4-output", Long.MAX_VALUE, 60, (what, now) -> { });
        Minimizer.Tried original = m.run(new Minimizer.Candidate(config, null));
        assertThat(m.failsSame(original.result())).isTrue();
        Minimizer.Candidate start = new Minimizer.Candidate(config, original.executed());
        Minimizer.Sizes before = start.sizes(original.result().untilMs());
        Minimizer.Outcome o = m.minimize(start, original.result());
        Minimizer.Sizes after = o.best().sizes(o.result().untilMs());
        assertThat(m.failsSame(o.result())).isTrue();
        assertThat(after.faults() + after.ops()).isLessThan((before.faults() + before.ops()) / 10);
        // The result is a run of its own: replayed from scratch, it fails the same.
        Minimizer.Tried again = m.run(o.best());
        assertThat(m.failsSame(again.result())).as(again.result().lines().toString()).isTrue();
    }

    @Test
    void renumberingForFewerNodesDropsTheirEventsAndShiftsTheClients() {
        RunPlan plan = new RunPlan(new dev.duro.sim.plan.Standing(0, 0, 0, 0, 0, 0, 0, 0, 4),
                List.of(new dev.duro.sim.plan.FaultEvent.Crash(5, 4, 10, false),
                        new dev.duro.sim.plan.FaultEvent.Crash(6, 1, 10, false),
                        new dev.duro.sim.plan.FaultEvent.Partition(7, 10, "x", List.of(new dev.duro.sim.plan.FaultEvent.Link(1, 5),
                                new dev.duro.sim.plan.FaultEvent.Link(3, 1)))),
                new dev.duro.sim.plan.WorkloadPlan(2, 2, List.of()));
        RunPlan three = Minimizer.renumber(plan, 5, 3);
        assertThat(three.standing().lostNode()).isEqualTo(-1);
        assertThat(three.faults()).containsExactly(new dev.duro.sim.plan.FaultEvent.Crash(6, 1, 10, false),
                new dev.duro.sim.plan.FaultEvent.Partition(7, 10, "x", List.of(new dev.duro.sim.plan.FaultEvent.Link(1, 3))));
    }
}
