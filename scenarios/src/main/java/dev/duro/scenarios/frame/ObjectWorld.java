package dev.duro.scenarios.frame;

import dev.duro.faults.Nemesis;
import dev.duro.faults.NemesisPlan;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.node.DuroNode;
import dev.duro.scenarios.check.AlarmChecker;
import dev.duro.scenarios.check.GateChecker;
import dev.duro.scenarios.check.RuntimeTraceTap;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.SequencedMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The frame every object scenario shares: one runtime node {@code n0} ({@link DuroNode} on a
 * simulated disk) serving the scenario's namespaces, client nodes after it, the nemesis striking
 * {@code n0} only (crashes and restarts, pauses, clock drift and jumps, lost and torn unsynced
 * writes, failed and slow fsyncs; network faults make client calls indeterminate), a crash and
 * restart of {@code n0} after the heal, and the trace-level checkers (P4 gates, P5 alarms) fed
 * from the run's trace.
 *
 * <p>Use: construct, add clients, {@link #start()}, then {@link #run} with the scenario's check;
 * {@link #traceViolations} gives the gate and alarm verdicts.
 */
public final class ObjectWorld {
    /** The deployment secret every scenario uses (clients make ids with it too). */
    public static final byte[] SECRET = "duro-scenarios-deployment-secret".getBytes(StandardCharsets.UTF_8);
    /** The runtime node. */
    public static final NodeId RUNTIME = NodeId.of(0);
    /**
     * How long an alarm may still be pending at the end after its time and after it became durable
     * (retries, jitter).
     */
    public static final long ALARM_GRACE_MS = 3_000;

    private final String scenario;
    private final RunConfig config;
    private final Timeline timeline;
    private final RuntimeConfig runtime;
    private final SeededEntropy root;
    private final NemesisPlan plan;
    private final GateChecker gates;
    private final AlarmChecker alarms;
    private final RuntimeTraceTap tap;
    private final Simulation sim;
    private final List<SimDiskDevice> disks = new ArrayList<>();
    private final SequencedMap<String, String> params = new LinkedHashMap<>();
    private boolean started;

    public ObjectWorld(String scenario, RunConfig config, TraceListener listener, Timeline timeline,
                       List<NamespaceBinding> namespaces, RuntimeConfig runtime) {
        this.scenario = scenario;
        this.config = config;
        this.timeline = timeline;
        this.runtime = runtime;
        this.root = new SeededEntropy(config.seed());
        this.plan = NemesisPlan.draw(config.faults(), root.derive("nemesis-plan"));
        // The host seals when an output is produced and releases outputs in production order; writes
        // made after production may still be in flight when it leaves, so the declared batch is the rule.
        this.gates = new GateChecker(GateChecker.OutputRule.DECLARED_SEQ);
        this.alarms = new AlarmChecker(runtime.alarmMaxRetries(), false);
        this.tap = new RuntimeTraceTap(listener, List.of(gates, alarms));
        this.sim = new Simulation(plan.simulationOptions(config, tap));
        Deployment deployment = new Deployment(SECRET, namespaces);
        SimulatedNode node = sim.addNode(new DuroNode(deployment, runtime), (id, entropy) -> {
            SimDiskDevice device = new SimDiskDevice(DiskFaultConfig.none(), entropy); // the nemesis sets the rates
            disks.add(device);
            return device;
        });
        Invariants.check(node.id().equals(RUNTIME), "the runtime node must be n0, got %s", node.id());
    }

    /**
     * Runtime settings for scenarios: the defaults with shorter timers, so eviction, hibernation and
     * alarm retries happen within a run of tens of seconds.
     */
    public static RuntimeConfig runtimeConfig(long evictIdleMinMs, long hibernateIdleMs, long alarmRetryInitialMs,
                                              Set<PlantedBug> bugs) {
        RuntimeConfig d = RuntimeConfig.defaults();
        return new RuntimeConfig(evictIdleMinMs, evictIdleMinMs * 2, hibernateIdleMs, d.blockConcurrencyTimeoutMs(),
                alarmRetryInitialMs, d.alarmMaxRetries(), d.maxQueuedEvents(), d.storageSizeLimitBytes(),
                d.retentionMillis(), 16, bugs);
    }

    /** A stream of this run's scenario parameters, independent of every other stream. */
    public SeededEntropy entropy(String purpose) {
        return root.derive("scenario/" + scenario + "/" + purpose);
    }

    public NodeId addClient(NodeProgram program) {
        Invariants.check(!started, "clients are added before start()");
        return sim.addNode(program, NoDiskDevice.FACTORY).id();
    }

    /** Adds {@code count} clients, client {@code i} made by {@code make.apply(i)}, in index order. */
    public <C extends NodeProgram> List<C> addClients(int count, IntFunction<C> make) {
        List<C> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            C client = make.apply(i);
            addClient(client);
            out.add(client);
        }
        return List.copyOf(out);
    }

    public Simulation simulation() {
        return sim;
    }

    public Timeline timeline() {
        return timeline;
    }

    public RuntimeConfig runtime() {
        return runtime;
    }

    public SequencedMap<String, String> params() {
        return params;
    }

    /** Virtual time: the one clock every client's history shares. */
    public long nowNanos() {
        return sim.nowNanos();
    }

    /** The runtime node's wall clock (ms), as its objects see it. */
    public long runtimeWallMillis() {
        return sim.node(0).clock().wallMillis();
    }

    public RuntimeTraceTap tap() {
        return tap;
    }

    /** Starts the nodes, installs the nemesis and the post-heal restart, and notes the parameters. */
    public void start() {
        Invariants.check(!started, "start() once");
        started = true;
        sim.startAll();
        new Nemesis(sim, plan, Simulation.millis(timeline.healAtMs()), 1, disks).withFullDiskStrikes().install();
        sim.at(Simulation.millis(timeline.restartAtMs()), () -> {
            sim.note("phase", "crash and restart of the runtime node on a healthy disk");
            SimulatedNode node = sim.node(0);
            if (node.isUp()) node.crash();
            disks.get(0).reconfigure(DiskFaultConfig.none());
            node.restart();
        });
        sim.at(Simulation.millis(timeline.stopAtMs()), () -> sim.note("phase", "workload stops"));
        sim.at(Simulation.millis(timeline.finalReadAtMs()), () -> sim.note("phase", "final reads"));
        params.put("nodes", "1 runtime node (n0) + " + (sim.nodes().size() - 1) + " client(s)");
        params.put("timeline", "heal " + timeline.healAtMs() + "ms, restart " + timeline.restartAtMs() + "ms, stop "
                + timeline.stopAtMs() + "ms, final reads " + timeline.finalReadAtMs() + "ms");
        if (!runtime.plantedBugs().isEmpty()) params.put("planted", runtime.plantedBugs().stream().map(Enum::name).sorted().toList().toString());
        params.putAll(plan.describe());
        sim.note("params", params.toString());
    }

    /**
     * The gate (P4) and alarm (P5) verdicts; alarm liveness only when the run reached its end,
     * for alarms due, and durable, {@link #ALARM_GRACE_MS} before the end (due on the runtime
     * node's clock).
     */
    public List<Violation> traceViolations(boolean reachedEnd) {
        List<Violation> out = new ArrayList<>(gates.violations());
        out.addAll(alarms.violations());
        if (reachedEnd) {
            out.addAll(alarms.finish(runtimeWallMillis() - ALARM_GRACE_MS, sim.nowNanos() - Simulation.millis(ALARM_GRACE_MS)));
        }
        params.put("trace", gates.eventsChecked() + " events and " + gates.outputsChecked() + " outputs gate-checked, "
                + tap.count("obj-recover-begin") + " activations, " + alarms.fires() + " alarm firings ("
                + alarms.done() + " done, " + alarms.durableSets() + " durable sets)");
        return out;
    }

    /** The liveness violation for final reads that never came back. */
    public static Violation unanswered(String property, String what) {
        return new Violation(property, FailureClass.LIVENESS, what + " never answered after the heal and restart");
    }

    /** True when the run got to its end (the liveness phase can be judged). */
    public static boolean reachedEnd(StopReason reason) {
        return reason == StopReason.TIME_LIMIT || reason == StopReason.QUIESCENT;
    }

    /** The run, with the scenario's check after the trace checks. */
    public ScenarioRun run(Function<StopReason, List<Violation>> check) {
        Invariants.check(started, "start() before run()");
        return ScenarioRun.of(sim, params, reason -> {
            List<Violation> out = new ArrayList<>(check.apply(reason));
            out.addAll(traceViolations(reachedEnd(reason)));
            return out;
        });
    }

    public RunConfig config() {
        return config;
    }
}
