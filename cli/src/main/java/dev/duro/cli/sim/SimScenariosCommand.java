package dev.duro.cli.sim;

import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.sim.run.Scenario;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code duro sim scenarios}: the catalogue. */
@Command(name = "scenarios", mixinStandardHelpOptions = true, description = "List the scenarios 'sim run' knows.")
public class SimScenariosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Scenario s : ScenarioCatalogue.all()) {
            out.println(s.name() + (s.name().equals(ScenarioCatalogue.DEFAULT) ? " (default)" : "") + "  ["
                    + s.defaultUntilMs() + " ms]  " + s.description());
        }
        out.flush();
        return 0;
    }
}
