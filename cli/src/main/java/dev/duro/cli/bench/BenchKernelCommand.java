package dev.duro.cli.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code duro bench kernel}: kernel timer events/s and simulated network messages/s. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {"Benchmark the simulation kernel (timer events/s) and network (messages/s, encode+deliver+decode).",
                "Targets: >= 2,000,000 timer events/s and >= 500,000 messages/s on one core."})
public class BenchKernelCommand implements Callable<Integer> {
    static final double TIMER_TARGET = 2_000_000;
    static final double MESSAGE_TARGET = 500_000;

    @Spec
    CommandSpec spec;

    @Mixin
    JmhLauncher jmh;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro bench kernel: " + jmh.settings());
        out.flush();
        List<JmhLauncher.Score> scores = jmh.run(List.of(
                KernelBenchmark.class.getName() + ".timerEvents", NetworkBenchmark.class.getName() + ".messages"));
        boolean met = true;
        for (JmhLauncher.Score s : scores) {
            boolean timers = s.benchmark().endsWith("timerEvents");
            double target = timers ? TIMER_TARGET : MESSAGE_TARGET;
            JmhLauncher.print(out, s, timers ? "kernel timer events" : "network messages", target);
            met &= s.opsPerSecond() >= target;
        }
        out.flush();
        return met ? 0 : 1;
    }
}
