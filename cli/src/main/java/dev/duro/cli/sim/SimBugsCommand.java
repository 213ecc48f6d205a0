package dev.duro.cli.sim;

import dev.duro.runtime.PlantedBug;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code duro sim bugs}: the planted-bug catalogue, for {@code --bug NAME}. */
@Command(name = "bugs", mixinStandardHelpOptions = true,
        description = {"List the runtime bugs a simulation can plant with --bug NAME (object scenarios), with what each does.",
                "They exist to prove the checkers catch them; production configuration has none."})
public class SimBugsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (PlantedBug b : PlantedBug.values()) {
            out.println(String.format(Locale.ROOT, "%-24s %s", b.cliName(), b.description()));
        }
        out.flush();
        return 0;
    }
}
