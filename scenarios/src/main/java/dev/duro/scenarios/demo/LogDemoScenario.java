package dev.duro.scenarios.demo;

import dev.duro.model.check.DurabilityChecker;
import dev.duro.model.check.DurabilityFinding;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.faults.Nemesis;
import dev.duro.faults.NemesisPlan;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The disk-backed demo world: 3–5 nodes each keep a checksummed, fsynced log ({@link LogNode});
 * a client ({@link LogClient}) appends records to random nodes and notes every acknowledgement,
 * while the nemesis crashes, restarts, pauses and partitions the nodes, the network loses,
 * duplicates and delays messages, and the disks tear unsynced writes, corrupt unsynced sectors and
 * fail or slow down fsyncs. Timeline: faults until 60% of the run, then heal; appends go on until
 * 65%, when every log node crashes at once (a full-cluster crash: torn writes apply) and restarts on healthy disks; at
 * 68% the client stops (unanswered requests become unknown) and at 70% it reads every log.
 *
 * <p>The client records what it observed as a history (one append-only collection per node) and
 * {@link DurabilityChecker} judges lost, duplicated and phantom records, as it would for any
 * workload. Properties:
 * <ul>
 *   <li>L1 (safety, P2 durability) every record a node acknowledged as synced is in that node's
 *       final log, at the index it acknowledged.</li>
 *   <li>L2 (safety) exactly once and integrity: no request id appears twice in a node's log
 *       (retries are deduplicated, also across restarts), and none appears that was never sent.</li>
 *   <li>L3 (safety) a node never acknowledges one request at two different indices.</li>
 *   <li>L4 (liveness) after the heal, every node recovers and answers the final read.</li>
 * </ul>
 * Not modelled: corruption of synced data (one copy has nothing to repair from; replication comes
 * with the cluster), read errors, full disk.
 */
public final class LogDemoScenario implements Scenario {
    public static final String NAME = "log-demo";

    private final boolean plantedAckBeforeSync;

    public LogDemoScenario() {
        this(false);
    }

    /** With {@code plantedAckBeforeSync}, nodes acknowledge before the fsync: L1 must catch it. */
    public LogDemoScenario(boolean plantedAckBeforeSync) {
        this.plantedAckBeforeSync = plantedAckBeforeSync;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3-5 nodes append client records to checksummed fsynced logs on simulated disks under crashes, "
                + "partitions, network faults, torn writes and failed fsyncs, then a full-cluster crash; checks that "
                + "every acknowledged record survives exactly once";
    }

    @Override
    public long defaultUntilMs() {
        return 30_000;
    }

    @Override
    public ScenarioRun setUp(RunConfig config, TraceListener listener) {
        config.requireNoPlatformSettings("it runs the log demo, not the runtime");
        long untilMs = config.untilMs() > 0 ? config.untilMs() : defaultUntilMs();
        long healAtMs = untilMs * 60 / 100;
        long fullCrashAtMs = untilMs * 65 / 100;
        long stopAtMs = untilMs * 68 / 100;
        long finalReadAtMs = untilMs * 70 / 100;
        SeededEntropy root = new SeededEntropy(config.seed());
        SeededEntropy params = root.derive("scenario/log-demo");
        int servers = (int) params.between(3, 5);
        long intervalMs = params.between(5, 40);
        // The workload runs into the full-cluster crash, so that crash always lands on in-flight writes.
        int requests = (int) Math.max(1, fullCrashAtMs / intervalMs);
        NemesisPlan plan = NemesisPlan.draw(config.faults(), root.derive("nemesis-plan"));

        Simulation sim = new Simulation(plan.simulationOptions(config, listener));
        List<SimDiskDevice> disks = new ArrayList<>();
        List<NodeId> serverIds = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            SimulatedNode node = sim.addNode(new LogNode(plantedAckBeforeSync), (id, entropy) -> {
                SimDiskDevice device = new SimDiskDevice(DiskFaultConfig.none(), entropy); // the nemesis sets the rates
                disks.add(device);
                return device;
            });
            serverIds.add(node.id());
        }
        LogClient.Settings settings = new LogClient.Settings(List.copyOf(serverIds), requests,
                Simulation.millis(intervalMs), Simulation.millis(params.between(20, 200)), (int) params.between(2, 6),
                Simulation.millis(stopAtMs), Simulation.millis(finalReadAtMs), (int) params.between(8, 512));
        LogClient client = new LogClient(settings);
        sim.addNode(client, NoDiskDevice.FACTORY);
        sim.startAll();
        new Nemesis(sim, plan, Simulation.millis(healAtMs), servers, disks).install();
        sim.at(Simulation.millis(fullCrashAtMs), () -> {
            sim.note("phase", "full-cluster crash of every log node, then restart on healthy disks");
            for (int i = 0; i < servers; i++) {
                SimulatedNode node = sim.node(i);
                if (node.isUp()) node.crash();
                disks.get(i).reconfigure(DiskFaultConfig.none());
                node.restart();
            }
        });

        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("nodes", servers + " log nodes + 1 client");
        p.put("requests", requests + " every ~" + intervalMs + "ms");
        p.put("timeoutMs", String.valueOf(settings.timeoutNanos() / 1_000_000));
        p.put("maxAttempts", String.valueOf(settings.maxAttempts()));
        p.put("payloadBytes", "1.." + settings.payloadBytes());
        p.put("healAtMs", String.valueOf(healAtMs));
        p.put("fullCrashAtMs", String.valueOf(fullCrashAtMs));
        p.put("stopAtMs", String.valueOf(stopAtMs));
        p.put("finalReadAtMs", String.valueOf(finalReadAtMs));
        p.putAll(plan.describe());
        if (plantedAckBeforeSync) p.put("planted", "ack-before-sync");
        sim.note("params", p.toString());

        return ScenarioRun.of(sim, p, reason -> {
            // Outcome figures join the parameter lines so the summary shows how much was judged.
            p.put("outcome", client.issued() + " issued, " + client.acks().size() + " acknowledged, "
                    + client.gaveUp() + " gave up (outcome unknown), " + client.refusals() + " refusals");
            p.put("acked", String.valueOf(client.acks().size()));
            // Quiescent = nothing left to happen: a node that has not answered by then never will.
            return check(client, serverIds, reason == StopReason.TIME_LIMIT || reason == StopReason.QUIESCENT);
        });
    }

    static List<Violation> check(LogClient client, List<NodeId> servers, boolean reachedEnd) {
        List<Violation> out = new ArrayList<>();
        for (String v : client.protocolViolations()) out.add(new Violation("L3", FailureClass.SAFETY, v));
        Map<NodeId, List<Long>> logs = client.finalLogs();
        for (NodeId node : servers) {
            if (!logs.containsKey(node)) continue; // judged by L4
            // Lost, duplicated and phantom records, by the history checker every workload shares.
            DurabilityChecker.Result result = DurabilityChecker.checkCollection(client.history(node));
            Invariants.check(result.finalReads() == 1, "%s: expected one final read, the checker saw %d",
                    node, result.finalReads());
            int reported = 0;
            for (DurabilityFinding f : result.findings()) {
                if (reported++ == 10) {
                    out.add(new Violation("L1", FailureClass.SAFETY, node + ": " + (result.findings().size() - 10)
                            + " more durability findings"));
                    break;
                }
                String property = f instanceof DurabilityFinding.LostWrite ? "L1" : "L2";
                out.add(new Violation(property, FailureClass.SAFETY, node + ": " + f.describe()));
            }
        }
        // Stronger than presence: an acknowledged record sits at the index the node named.
        int misplaced = 0;
        for (LogClient.Ack ack : client.acks()) {
            List<Long> log = logs.get(ack.node());
            if (log == null || !log.contains(ack.requestId())) continue; // absent: L1 above
            if ((ack.index() >= log.size() || log.get((int) ack.index()) != ack.requestId()) && misplaced++ < 10) {
                out.add(new Violation("L1", FailureClass.SAFETY, ack.node() + " acknowledged request " + ack.requestId()
                        + " at index " + ack.index() + " (t=" + ack.atNanos() / 1_000_000 + "ms), but its final log has it at "
                        + log.indexOf(ack.requestId())));
            }
        }
        if (reachedEnd) {
            for (NodeId node : servers) {
                if (!logs.containsKey(node)) {
                    out.add(new Violation("L4", FailureClass.LIVENESS, node
                            + " never answered the final read after the heal and the full-cluster restart"));
                }
            }
        }
        return out;
    }
}
