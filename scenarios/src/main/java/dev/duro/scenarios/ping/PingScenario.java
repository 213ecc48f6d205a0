package dev.duro.scenarios.ping;

import dev.duro.model.world.NodeId;
import dev.duro.faults.Nemesis;
import dev.duro.faults.NemesisPlan;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceListener;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * The kernel demo: 3–5 nodes send each other numbered messages over the faulty network and
 * deliver them exactly once, in order, per sender incarnation (see {@link PingNode}), while the
 * nemesis partitions, clogs, crashes, restarts and pauses them. Faults heal at 60% of the run; the
 * rest is the liveness phase.
 *
 * <p>Properties checked:
 * <ul>
 *   <li>D1 (safety) exactly once, in order: each receiver incarnation delivers the messages of a
 *       sender incarnation as 0, 1, 2, ... with no gap and no repeat.</li>
 *   <li>D2 (safety) integrity: a delivered payload is the one its sender created for that
 *       receiver and sequence number.</li>
 *   <li>D3 (safety) no zombie: only a live node incarnation, running on its own loop, delivers.</li>
 *   <li>D4 (liveness) after the heal, every node's final incarnation has delivered every message of
 *       every other node's final incarnation, and every sender has created all of them. Judged only
 *       when the run reaches its time budget with a liveness phase of at least 4 s.</li>
 * </ul>
 * What can break them: kernel bugs (a crashed incarnation's timer firing, a message delivered to
 * a dead incarnation, payload corruption), network bugs, or protocol bugs (see the planted one).
 */
public final class PingScenario implements Scenario {
    public static final String NAME = "ping";
    static final long MIN_LIVENESS_WINDOW_MS = 4_000;

    /** Bugs that can be planted in the protocol, to prove the checks bite. */
    public enum Planted {
        NONE,
        /** Receivers deliver retransmitted duplicates again: D1 must catch it. */
        NO_DEDUP,
        /** Senders stop probing once everything is acked: after a receiver restart, D4 must catch it. */
        NO_PROBE
    }

    private final Planted planted;

    public PingScenario() {
        this(Planted.NONE);
    }

    public PingScenario(Planted planted) {
        this.planted = planted;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "3-5 nodes exchange numbered messages with retransmission and dedup under partitions, loss, "
                + "duplication, clogs, crashes, restarts, pauses and drift; checks exactly-once in-order delivery "
                + "and that everything arrives after the heal";
    }

    @Override
    public long defaultUntilMs() {
        return 20_000;
    }

    @Override
    public ScenarioRun setUp(RunConfig config, TraceListener listener) {
        config.requireNoPlatformSettings("it draws its own 3 to 5 nodes and runs no runtime");
        long untilMs = config.untilMs() > 0 ? config.untilMs() : defaultUntilMs();
        long healAtMs = untilMs * 6 / 10;
        SeededEntropy root = new SeededEntropy(config.seed());
        SeededEntropy params = root.derive("scenario/ping");
        int nodes = (int) params.between(3, 5);
        PingNode.Settings settings = new PingNode.Settings((int) params.between(10, 60),
                Simulation.millis(params.between(5, 50)), Simulation.millis(params.between(20, 200)),
                (int) params.between(1, 8), planted);
        NemesisPlan plan = NemesisPlan.draw(config.faults(), root.derive("nemesis-plan"));
        Simulation sim = new Simulation(plan.simulationOptions(config, listener));
        Checker checker = new Checker(sim, nodes);
        PingNode[] live = new PingNode[nodes];
        for (int i = 0; i < nodes; i++) {
            int index = i;
            sim.addNode(world -> {
                live[index] = new PingNode(world, nodes, settings, checker);
                live[index].start();
            }, NoDiskDevice.FACTORY);
        }
        sim.startAll();
        new Nemesis(sim, plan, Simulation.millis(healAtMs)).install();
        boolean judgeLiveness = untilMs - healAtMs >= MIN_LIVENESS_WINDOW_MS;

        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("nodes", String.valueOf(nodes));
        p.put("messagesPerPeer", String.valueOf(settings.messagesPerPeer()));
        p.put("sendIntervalMs", String.valueOf(settings.sendIntervalNanos() / 1_000_000));
        p.put("retransmitMs", String.valueOf(settings.retransmitNanos() / 1_000_000));
        p.put("window", String.valueOf(settings.window()));
        p.put("healAtMs", String.valueOf(healAtMs));
        p.put("liveness", judgeLiveness ? "judged at " + untilMs + "ms" : "not judged (liveness phase < " + MIN_LIVENESS_WINDOW_MS + "ms)");
        p.putAll(plan.describe());
        if (planted != Planted.NONE) p.put("planted", planted.name());
        sim.note("params", p.toString());

        return ScenarioRun.of(sim, p, reason -> {
            List<Violation> out = new ArrayList<>(checker.safety);
            if (judgeLiveness && reason == StopReason.TIME_LIMIT) out.addAll(checker.liveness(live, settings));
            return out;
        });
    }

    /** The ghost observer: checks D1–D3 at each delivery, D4 at the end. */
    private static final class Checker implements PingObserver {
        private static final int MAX_REPORTED = 20;
        private final Simulation sim;
        private final int nodes;
        /** (sender session, receiver index, seq) -> payload hash. TreeMap: deterministic iteration. */
        private final TreeMap<String, Long> createdHashes = new TreeMap<>();
        /** (receiver session, sender session) -> last delivered seq. */
        private final TreeMap<String, Integer> lastDelivered = new TreeMap<>();
        /** receiver session -> sender session -> delivered count. */
        private final TreeMap<Long, TreeMap<Long, Integer>> deliveredCounts = new TreeMap<>();
        final List<Violation> safety = new ArrayList<>();
        private int suppressed;

        Checker(Simulation sim, int nodes) {
            this.sim = sim;
            this.nodes = nodes;
        }

        @Override
        public void created(NodeId from, long session, NodeId to, int seq, byte[] payload) {
            createdHashes.put(key(session, to.index(), seq), Trace.hashBytes(payload));
        }

        @Override
        public void delivered(NodeId receiver, long receiverSession, NodeId from, long senderSession, int seq,
                              byte[] payload) {
            SimulatedNode node = sim.node(receiver.index());
            if (!node.isUp() || node.world() == null || !node.world().loop().inLoop()) {
                violation("D3", receiver + " delivered " + from + "'s message " + seq + " while not running (state "
                        + node + ")");
            }
            Long expectedHash = createdHashes.get(key(senderSession, receiver.index(), seq));
            if (expectedHash == null || expectedHash != Trace.hashBytes(payload)) {
                violation("D2", receiver + " delivered " + from + "'s message " + seq + " (session "
                        + Long.toHexString(senderSession) + ") with a payload " + from + " never created for it: "
                        + Arrays.toString(payload));
            }
            String k = Long.toHexString(receiverSession) + "/" + Long.toHexString(senderSession);
            int last = lastDelivered.getOrDefault(k, -1);
            if (seq != last + 1) {
                violation("D1", receiver + " delivered " + from + "'s message " + seq + " after " + last
                        + (seq <= last ? " (a duplicate or out of order)" : " (a gap)") + " at t="
                        + sim.nowNanos() / 1_000_000 + "ms");
            }
            lastDelivered.put(k, Math.max(last, seq));
            deliveredCounts.computeIfAbsent(receiverSession, r -> new TreeMap<>()).merge(senderSession, 1, Integer::sum);
        }

        List<Violation> liveness(PingNode[] live, PingNode.Settings settings) {
            List<Violation> out = new ArrayList<>();
            for (int s = 0; s < nodes; s++) {
                if (!sim.node(s).isUp()) {
                    out.add(new Violation("D4", FailureClass.LIVENESS, "n" + s + " is down at the end"));
                    continue;
                }
                if (live[s].rounds() < settings.messagesPerPeer()) {
                    out.add(new Violation("D4", FailureClass.LIVENESS, "n" + s + " created only " + live[s].rounds()
                            + " of " + settings.messagesPerPeer() + " messages per peer"));
                }
                for (int r = 0; r < nodes; r++) {
                    if (r == s || !sim.node(r).isUp()) continue;
                    int got = deliveredCounts.getOrDefault(live[r].session(), new TreeMap<>())
                            .getOrDefault(live[s].session(), 0);
                    if (got < settings.messagesPerPeer()) {
                        out.add(new Violation("D4", FailureClass.LIVENESS, "n" + r + " delivered " + got + " of "
                                + settings.messagesPerPeer() + " messages from n" + s + " by the end (heal + "
                                + "liveness phase)"));
                    }
                }
            }
            return out;
        }

        private void violation(String property, String message) {
            if (safety.size() >= MAX_REPORTED) {
                suppressed++;
                return;
            }
            safety.add(new Violation(property, FailureClass.SAFETY, message));
            sim.note("violation", property + " " + message);
        }

        private static String key(long session, int receiver, int seq) {
            return Long.toHexString(session) + "/" + receiver + "/" + seq;
        }
    }
}
