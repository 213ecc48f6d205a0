package dev.duro.scenarios.frame;

import dev.duro.faults.Nemesis;
import dev.duro.faults.NemesisPlan;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.node.DuroNode;
import dev.duro.scenarios.check.AlarmChecker;
import dev.duro.scenarios.check.GateChecker;
import dev.duro.scenarios.check.PlacementChecker;
import dev.duro.scenarios.check.RuntimeTraceTap;
import dev.duro.scenarios.check.SingleActivationChecker;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.plan.PlanRecorder;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The frame every object scenario shares. Runtime nodes {@code n0..n(N-1)} on simulated disks
 * serve the scenario's namespaces; client nodes come after them. With one node ({@code --nodes 1})
 * {@code n0} is a {@link DuroNode} on its own disk log, clients call its gateway, and the nemesis
 * strikes it alone (crashes and restarts, pauses, clock drift and jumps, lost and torn unsynced
 * writes, failed and slow fsyncs; network faults make client calls indeterminate). With more
 * (default {@value #DEFAULT_NODES}) each is a {@link ClusterNode} (replicated logs, 3 replicas,
 * leases, failover), clients call through the cluster client, and the nemesis strikes every
 * runtime node, adding partitions among them, pauses past a lease, drift within the cluster's
 * bound, and on one faulty-disk node bit flips, read errors and lost disks
 * ({@link NemesisPlan#forCluster}). After the heal every runtime node crashes and restarts (a
 * power cut, P2 after a full restart), except, in half the runs with crashes, one node lost for
 * good (its objects end on failover owners); then the final reads, which must be answered within
 * the liveness bound (P6). The trace-level checkers (P3 single activation, P4 gates, P5 alarms, and
 * on a cluster P3-placement) are fed from the run's trace. With {@code --locations} the members
 * have locations ({@link LocationSpec}) and every object is reached at a located id, its location
 * drawn from the seed and its name ({@link #locationOf}).
 *
 * <p>Use: construct, add clients, {@link #start()}, then {@link #run} with the scenario's check;
 * {@link #traceViolations} gives the trace-level verdicts.
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
    /** Runtime nodes when the run's config leaves it to the scenario: a 5-node cluster with 3 replicas. */
    public static final int DEFAULT_NODES = 5;
    /** What the liveness bound allows beyond 2 leases and a suspicion after the full restart (elections, retries). */
    public static final long LIVENESS_SLACK_MS = 2_000;
    /** The share of runs that end warm: no power cut after the heal ({@link #warmEnd}). */
    public static final double WARM_END_CHANCE = 0.25;

    private final String scenario;
    private final RunConfig config;
    private final Timeline timeline;
    private final RuntimeConfig runtime;
    private final SeededEntropy root;
    private final NemesisPlan plan;
    private final GateChecker gates;
    private final AlarmChecker alarms;
    private final SingleActivationChecker activations;
    /** P3-placement, on a cluster only (null on one node). */
    private final PlacementChecker placements;
    /** The members' locations ({@code --locations}); null without. */
    private final LocationSpec locations;
    /** Each located object's location, {@code namespace/name -> label}, as clients first asked. */
    private final SortedMap<String, String> objectLocations = new TreeMap<>();
    private final RuntimeTraceTap tap;
    private final Simulation sim;
    /** Runtime nodes: 1 (the single-node path) or a cluster's members. */
    private final int nodes;
    /** The cluster's settings; null on the single-node path. */
    private final ClusterConfig cluster;
    private final FinalReads finalReads = new FinalReads();
    private final CallTally calls = new CallTally();
    /** The nemesis, once started: strikes it skipped for the fault budget, deep sequences (params). */
    private Nemesis nemesis;
    /** What the run executed: the nemesis's faults and the clients' operations. */
    private final PlanRecorder recorder = new PlanRecorder();
    /** The plan this run replays; null when its faults and workload are drawn from the seed. */
    private final RunPlan replay;
    private final Workload workload;
    private final Recorders histories;
    /** The workload's sizes as the scenario set them ({@link #clients}, {@link #objects}), for the recorded plan. */
    private int clientCount;
    private int objectCount;
    private final List<SimDiskDevice> disks = new ArrayList<>();
    private final SequencedMap<String, String> params = new LinkedHashMap<>();
    /**
     * A warm end (a quarter of the runs, drawn from the seed): no power cut after the heal, so what
     * the nodes hold in memory (timers, attempts, claims) must heal by itself; a restart would mend
     * a stuck in-memory state and hide it. A node lost for good is still lost.
     */
    private final boolean warmEnd;
    private boolean started;

    public ObjectWorld(String scenario, RunConfig config, TraceListener listener, Timeline timeline,
                       List<NamespaceBinding> namespaces, RuntimeConfig runtime) {
        this(scenario, config, listener, timeline, namespaces, runtime, UnaryOperator.identity());
    }

    /**
     * As above, with the cluster's settings passed through {@code clusterTuning} (tests only: e.g. a
     * failure detector that suspects after one missed heartbeat, to show the efficiency bounds trip).
     */
    public ObjectWorld(String scenario, RunConfig config, TraceListener listener, Timeline timeline,
                       List<NamespaceBinding> namespaces, RuntimeConfig runtime, UnaryOperator<ClusterConfig> clusterTuning) {
        this(scenario, config, listener, timeline, namespaces, runtime, clusterTuning, null);
    }

    /**
     * As above, replaying {@code replay} (faults, standing rates and workload as data; null: drawn
     * from the seed as usual). A plan whose standing rates this seed's fault kinds cannot take is an
     * {@link IllegalArgumentException}.
     */
    public ObjectWorld(String scenario, RunConfig config, TraceListener listener, Timeline timeline,
                       List<NamespaceBinding> namespaces, RuntimeConfig runtime, UnaryOperator<ClusterConfig> clusterTuning,
                       RunPlan replay) {
        this.replay = replay;
        this.workload = new Workload(replay == null ? null : replay.workload(), recorder);
        this.histories = new Recorders(workload);
        this.scenario = scenario;
        this.config = config;
        this.timeline = timeline;
        this.nodes = config.nodesOr(DEFAULT_NODES);
        this.runtime = runtime.withPlantedBugs(union(runtime.plantedBugs(), plantedBugs(config.bugs())));
        this.root = new SeededEntropy(config.seed());
        // Its own stream, so other draws stay put; a run without faults keeps its power cut (the only fault it has).
        this.warmEnd = config.faults().mode() != dev.duro.sim.run.FaultSelection.Mode.NONE
                && root.derive("warm-end").nextDouble() < WARM_END_CHANCE;
        NemesisPlan drawn = NemesisPlan.draw(config.faults(), root.derive("nemesis-plan"));
        if (nodes == 1) {
            if (config.clockDriftBeyondBound()) {
                throw new IllegalArgumentException("--clock-drift-beyond-bound needs a cluster (leases exist only there): "
                        + "use --nodes 3 or more, not --nodes 1");
            }
            if (config.located()) {
                throw new IllegalArgumentException("--locations needs a cluster (members have locations, one node has none): "
                        + "use --nodes 2 or more, not --nodes 1");
            }
            this.locations = null;
            this.cluster = null;
            this.plan = replay == null ? drawn : drawn.withStanding(replay.standing());
        } else {
            this.locations = config.located() ? LocationSpec.parse(config.locations(), nodes) : null;
            this.cluster = clusterTuning.apply(locations == null ? ClusterConfig.of(nodes)
                    : ClusterConfig.of(nodes).withLocations(locations.byMember()));
            NemesisPlan clustered = drawn.forCluster(root.derive("nemesis-plan"), nodes, cluster.leaseMillis(),
                    cluster.driftBoundPpm(), config.clockDriftBeyondBound());
            this.plan = replay == null ? clustered : clustered.withStanding(replay.standing());
        }
        // The host seals when an output is produced and releases outputs in production order; writes
        // made after production may still be in flight when it leaves, so the declared batch is the rule.
        this.gates = new GateChecker(GateChecker.OutputRule.DECLARED_SEQ);
        this.alarms = new AlarmChecker(runtime.alarmMaxRetries(), false);
        this.activations = new SingleActivationChecker();
        this.placements = cluster == null ? null
                : new PlacementChecker(cluster, SECRET, namespaces.stream().map(NamespaceBinding::name).toList());
        this.tap = new RuntimeTraceTap(listener, placements == null ? List.of(gates, alarms, activations)
                : List.of(gates, alarms, activations, placements));
        this.sim = new Simulation(plan.simulationOptions(config, tap));
        Deployment deployment = new Deployment(SECRET, namespaces);
        for (int i = 0; i < nodes; i++) {
            NodeProgram program = cluster == null ? new DuroNode(deployment, this.runtime)
                    : new ClusterNode(deployment, this.runtime, cluster);
            SimulatedNode node = sim.addNode(program, (id, entropy) -> {
                SimDiskDevice device = new SimDiskDevice(DiskFaultConfig.none(), entropy); // the nemesis sets the rates
                disks.add(device);
                return device;
            });
            Invariants.check(node.index() == i, "runtime node %d must be n%d, got %s", i, i, node.id());
        }
    }

    /**
     * Planted bugs by their CLI names ({@link PlantedBug#cliName()}, or enum names); an unknown name
     * is an {@link IllegalArgumentException} listing every known one.
     */
    public static Set<PlantedBug> plantedBugs(List<String> names) {
        Set<PlantedBug> out = EnumSet.noneOf(PlantedBug.class);
        for (String n : names) out.add(PlantedBug.byName(n));
        return out;
    }

    private static Set<PlantedBug> union(Set<PlantedBug> a, Set<PlantedBug> b) {
        Set<PlantedBug> out = EnumSet.noneOf(PlantedBug.class);
        out.addAll(a);
        out.addAll(b);
        return out;
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
        if (program instanceof ClientProgram client) {
            client.attach(cluster == null ? ObjectAccess.singleNode(RUNTIME)
                    : locations == null ? ObjectAccess.cluster(cluster) : ObjectAccess.located(cluster, this::locationOf), finalReads, calls,
                    workload);
        }
        return sim.addNode(program, NoDiskDevice.FACTORY).id();
    }

    /**
     * The number of clients a scenario runs: {@code drawn} (drawn from the seed: draw it anyway, so
     * the other draws stay put), or the replayed plan's when it names one.
     */
    public int clients(int drawn) {
        clientCount = replay != null && replay.workload().clients() > 0 ? replay.workload().clients() : drawn;
        return clientCount;
    }

    /** The number of objects (counters, registers' objects...) a scenario uses: as {@link #clients}. */
    public int objects(int drawn) {
        objectCount = replay != null && replay.workload().objects() > 0 ? replay.workload().objects() : drawn;
        return objectCount;
    }

    /** Whether this run replays a plan (its parameters say so). */
    public boolean replaying() {
        return replay != null;
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

    /**
     * The location of object {@code name} in {@code namespace} on a located cluster: drawn from the
     * seed and the name alone (a stream derived for it), so every client, and a rerun, puts it in the
     * same place, and across names the locations are used evenly, small ones (topped up) included.
     */
    public String locationOf(String namespace, String name) {
        Invariants.check(locations != null, "locationOf needs --locations");
        return objectLocations.computeIfAbsent(namespace + "/" + name, key -> {
            List<String> names = locations.names();
            return names.get(root.derive("locations/" + key).nextInt(names.size()));
        });
    }

    /** The members' locations, or null without {@code --locations}. */
    public LocationSpec locations() {
        return locations;
    }

    /** Whether the run's fault plan turned fault kind {@code kind} on (workload variants that are faults follow it). */
    public boolean faultOn(String kind) {
        return plan.on().contains(kind);
    }

    /** The node that last produced output for any object (an owner), or -1: what isolation strikes aim at. */
    public int latestOutputNode() {
        return activations.latestOutputNode();
    }

    /** P3-placement's checker: counts of activations (by location, top-up); null on one node. */
    public PlacementChecker placements() {
        return placements;
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

    /**
     * The runtime nodes' wall clock (ms), as objects see it: on a cluster the slowest one (an alarm
     * is due once its owner's clock reaches it, and the owner may be any node).
     */
    public long runtimeWallMillis() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < nodes; i++) min = Math.min(min, sim.node(i).clock().wallMillis());
        return min;
    }

    /** Runtime nodes of this run (1: the single-node path). */
    public int nodes() {
        return nodes;
    }

    /** The cluster's settings, or null on the single-node path. */
    public ClusterConfig cluster() {
        return cluster;
    }

    /** The final reads the clients made so far. */
    public FinalReads finalReads() {
        return finalReads;
    }

    /**
     * How long after the full restart every object must serve again (P6): on a cluster two leases
     * (a replica that restarts grants nothing for a lease; an election may wait out another) plus
     * a suspicion plus {@link #LIVENESS_SLACK_MS}; on one node, the rest of the run.
     */
    public long livenessBoundMs() {
        if (cluster == null) return timeline.untilMs() - timeline.restartAtMs();
        return 2 * cluster.leaseMillis() + cluster.suspectAfterMillis() + LIVENESS_SLACK_MS;
    }

    /** What happens at the restart time: the power cut, or a warm end without one. */
    private String endPhase() {
        return warmEnd ? "warm end (no power cut)" : "full restart";
    }

    /** When, in simulated ms, the final reads must have been answered. */
    public long livenessDeadlineMs() {
        return timeline.restartAtMs() + livenessBoundMs();
    }

    public RuntimeTraceTap tap() {
        return tap;
    }

    /** Starts the nodes, installs the nemesis and the post-heal restart, and notes the parameters. */
    public void start() {
        Invariants.check(!started, "start() once");
        started = true;
        sim.startAll();
        nemesis = new Nemesis(sim, plan, Simulation.millis(timeline.healAtMs()), nodes, disks).withFullDiskStrikes()
                .withRecorder(recorder);
        if (cluster != null) nemesis.withFocus(activations::latestOutputNode);
        if (replay != null) nemesis.withReplay(replay.faults());
        nemesis.install();
        sim.at(Simulation.millis(timeline.restartAtMs()), () -> {
            int lost = plan.cluster().lostNode();
            if (warmEnd) {
                sim.note("phase", "warm end: no power cut, the runtime nodes keep what they hold in memory; disks healthy");
            } else {
                sim.note("phase", cluster == null ? "crash and restart of the runtime node on a healthy disk"
                        : "crash and restart of every runtime node on healthy disks (a power cut)");
            }
            for (int i = 0; i < nodes; i++) {
                SimulatedNode node = sim.node(i);
                if (node.isUp() && (!warmEnd || i == lost)) node.crash();
                disks.get(i).reconfigure(DiskFaultConfig.none());
            }
            for (int i = 0; i < nodes; i++) {
                if (i != lost && !sim.node(i).isUp()) sim.node(i).restart();
            }
            if (lost >= 0) sim.note("phase", "n" + lost + " stays down to the end: a machine lost for good");
        });
        sim.at(Simulation.millis(timeline.stopAtMs()), () -> sim.note("phase", "workload stops"));
        sim.at(Simulation.millis(timeline.finalReadAtMs()), () -> sim.note("phase", "final reads"));
        if (cluster == null) {
            params.put("nodes", "1 runtime node (n0) + " + (sim.nodes().size() - 1) + " client(s)");
            params.put("timeline", "heal " + timeline.healAtMs() + "ms, " + (warmEnd ? "warm end (no restart) " : "restart ")
                    + timeline.restartAtMs() + "ms, stop "
                    + timeline.stopAtMs() + "ms, final reads " + timeline.finalReadAtMs() + "ms");
        } else {
            params.put("nodes", nodes + " runtime nodes (n0..n" + (nodes - 1) + ", " + cluster.replicas() + " replicas per object, lease "
                    + cluster.leaseMillis() + "ms, drift bound " + cluster.driftBoundPpm() + "ppm, suspect after "
                    + cluster.suspectAfterMillis() + "ms) + " + (sim.nodes().size() - nodes) + " client(s)");
            params.put("timeline", "heal " + timeline.healAtMs() + "ms, " + (warmEnd ? "warm end (no power cut) " : "full restart ")
                    + timeline.restartAtMs() + "ms, stop "
                    + timeline.stopAtMs() + "ms, final reads " + timeline.finalReadAtMs() + "ms, liveness bound "
                    + livenessBoundMs() + "ms after the " + endPhase() + " (by " + livenessDeadlineMs() + "ms)");
        }
        if (locations != null) {
            params.put("locations", locations.members() + ", " + cluster.replicas() + " replicas: a location with fewer"
                    + " members is topped up; each object located by a draw from the seed and its name");
        }
        if (!runtime.plantedBugs().isEmpty()) params.put("planted", runtime.plantedBugs().stream().map(Enum::name).sorted().toList().toString());
        params.putAll(plan.describe());
        if (replay != null) {
            params.put("plan", "replayed: " + replay.sizes() + " (the faults and operations the plan lists, not drawn ones)");
        }
        sim.note("params", params.toString());
    }

    /**
     * The gate (P4) and alarm (P5) verdicts; alarm liveness only when the run reached its end,
     * for alarms due, and durable, {@link #ALARM_GRACE_MS} before the end (due on the runtime
     * node's clock).
     */
    public List<Violation> traceViolations(boolean reachedEnd) {
        List<Violation> out = new ArrayList<>(activations.violations());
        out.addAll(gates.violations());
        out.addAll(alarms.violations());
        if (reachedEnd) {
            out.addAll(alarms.finish(runtimeWallMillis() - ALARM_GRACE_MS, sim.nowNanos() - Simulation.millis(ALARM_GRACE_MS)));
        }
        if (cluster != null && reachedEnd) out.addAll(lateFinalReads());
        String trace = gates.eventsChecked() + " events and " + gates.outputsChecked() + " outputs gate-checked, "
                + tap.count("obj-recover-begin") + " activations, " + alarms.fires() + " alarm firings ("
                + alarms.done() + " done, " + alarms.durableSets() + " durable sets)";
        if (cluster != null) {
            trace += ", " + activations.outputsJudged() + " fenced outputs (" + activations.fenceChanges() + " fence changes), "
                    + tap.count("repl-won") + " epochs won, " + tap.count("repl-fenced") + " owners fenced, "
                    + tap.count("repl-install") + " installs, " + tap.count("repl-repaired") + " repairs, "
                    + tap.count("fd-suspect") + " suspicions";
        }
        params.put("trace", trace);
        efficiency();
        if (placements != null) {
            out.addAll(placements.violations());
            params.put("placement", placements.describe() + (objectLocations.isEmpty() ? "" : "; objects " + objectLocations));
        }
        return out;
    }

    /**
     * The efficiency baseline's parameter lines (docs/scenarios.md, "Availability and efficiency"):
     * the fraction of client calls answered, messages per call, and on a cluster suspicions per
     * node-minute and epochs won (elections, initial ones included).
     */
    private void efficiency() {
        params.put("answered", String.format(java.util.Locale.ROOT, "%.4f (%d of %d calls)", calls.answeredFraction(),
                calls.answered(), calls.calls()));
        params.put("messages-per-call", String.format(java.util.Locale.ROOT, "%.2f", calls.calls() == 0 ? 0.0
                : (double) tap.sends() / calls.calls()));
        if (cluster != null) {
            double nodeMinutes = nodes * (sim.nowNanos() / 60e9);
            params.put("suspicions-per-node-minute", String.format(java.util.Locale.ROOT, "%.3f",
                    nodeMinutes <= 0 ? 0.0 : tap.count("fd-suspect") / nodeMinutes));
            params.put("epochs-won", Long.toString(tap.count("repl-won")));
        }
        if (nemesis != null && (nemesis.skippedByBudget() > 0 || nemesis.deepSequences() > 0)) {
            params.put("nemesis", nemesis.skippedByBudget() + " strike(s) skipped by the fault budget, "
                    + nemesis.deepSequences() + " deep sequence(s)");
        }
    }

    /** P6 on a cluster: final reads answered, but after the liveness deadline. */
    private List<Violation> lateFinalReads() {
        List<Violation> out = new ArrayList<>();
        long deadline = Simulation.millis(livenessDeadlineMs());
        for (FinalReads.Read r : finalReads.reads()) {
            if (r.answeredNanos() > deadline) {
                out.add(new Violation("P6", FailureClass.LIVENESS, r.what() + " answered only at "
                        + dev.duro.sim.trace.TraceEvent.formatMillis(r.answeredNanos()) + " after " + r.failedAttempts()
                        + " failed attempt(s), past the liveness bound of " + livenessBoundMs()
                        + "ms after the " + endPhase() + " (deadline " + livenessDeadlineMs() + "ms)"));
            }
        }
        return out;
    }

    /** The liveness violation for final reads that never came back, naming the bound. */
    public Violation unanswered(String property, String what) {
        String bound = cluster == null ? " never answered after the heal and restart"
                : " never answered within the liveness bound (" + livenessBoundMs() + "ms after the " + endPhase() + " at "
                + timeline.restartAtMs() + "ms: 2 leases + a suspicion + " + LIVENESS_SLACK_MS + "ms)";
        return new Violation(property, FailureClass.LIVENESS, what + bound);
    }

    /**
     * True when liveness (P6) can be judged: the run reached its end, and on a cluster the end is no
     * earlier than the liveness deadline (a shorter run says nothing about a bound it did not reach).
     */
    public boolean livenessJudged(StopReason reason) {
        return reachedEnd(reason) && (cluster == null || timeline.untilMs() >= livenessDeadlineMs());
    }

    /** True when the run got to its end (the liveness phase can be judged). */
    public static boolean reachedEnd(StopReason reason) {
        return reason == StopReason.TIME_LIMIT || reason == StopReason.QUIESCENT;
    }

    /** The recorders of the clients' operations, by key; they become the run's {@code histories()}. */
    public Recorders histories() {
        return histories;
    }

    /** The run, with the scenario's check after the trace checks. */
    public ScenarioRun run(Function<StopReason, List<Violation>> check) {
        Invariants.check(started, "start() before run()");
        return ScenarioRun.of(sim, params, reason -> {
            List<Violation> out = new ArrayList<>(check.apply(reason));
            out.addAll(traceViolations(livenessJudged(reason)));
            if (cluster != null && reachedEnd(reason) && !livenessJudged(reason)) {
                params.put("liveness", "not judged: the run ends at " + timeline.untilMs() + "ms, before the deadline "
                        + livenessDeadlineMs() + "ms");
            }
            return out;
        }, histories::build, () -> recorder.plan(plan.standing(), clientCount, objectCount));
    }

    public RunConfig config() {
        return config;
    }
}
