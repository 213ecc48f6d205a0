package dev.duro.cli.bench;

import dev.duro.cli.bench.disk.SimDiskBenchmark;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code duro bench kernel}: kernel timer events/s, simulated network messages/s and simulated
 * disk appends+fsync/s, each on one core.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {"Benchmark the simulation kernel (timer events/s), network (messages/s, encode+deliver+decode)",
                "and disk (4 KiB appends+fsync/s on the jimfs-backed simulated disk).",
                "Targets: >= 2,000,000 timer events/s and >= 500,000 messages/s on one core; the disk has none."})
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
                KernelBenchmark.class.getName() + ".timerEvents", NetworkBenchmark.class.getName() + ".messages",
                SimDiskBenchmark.class.getName() + ".appendThenSync"));
        boolean met = true;
        for (JmhLauncher.Score s : scores) {
            String label;
            double target;
            if (s.benchmark().endsWith("timerEvents")) {
                label = "kernel timer events";
                target = TIMER_TARGET;
            } else if (s.benchmark().endsWith("messages")) {
                label = "network messages";
                target = MESSAGE_TARGET;
            } else {
                label = "disk 4 KiB append+fsync";
                target = 0;
            }
            JmhLauncher.print(out, s, label, target);
            met &= s.opsPerSecond() >= target;
        }
        out.flush();
        return met ? 0 : 1;
    }
}
