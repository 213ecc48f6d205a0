package dev.duro.scenarios.frame;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.World;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A workload client on its own node (the nemesis never touches it): reaches objects through an
 * {@link ObjectAccess} (the runtime node's gateway, or the cluster client), stamps its history
 * with virtual time (shared by all clients of a run) and schedules on its node's loop.
 */
public abstract class ClientProgram implements NodeProgram {
    private final String name;
    private final int index;
    private final LongSupplier virtualNanos;
    private int generation;
    protected final long timeoutNanos;
    protected World world;
    /** How this client reaches objects; set on start from what the world attached. */
    protected ObjectAccess access;
    protected Entropy entropy;
    private ObjectAccess.Factory accessFactory = ObjectAccess.singleNode(ObjectWorld.RUNTIME);
    private FinalReads finalReads = new FinalReads();
    private CallTally calls = new CallTally();
    /** Which ticks issue (loop clients), and the record of the operations issued. */
    Workload workload = Workload.unrecorded();

    protected ClientProgram(String name, int index, LongSupplier virtualNanos, long timeoutNanos) {
        this.name = name;
        this.index = index;
        this.virtualNanos = virtualNanos;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public final void start(World world) {
        Invariants.check(this.world == null, "client %s must never restart: the nemesis leaves it alone", name);
        this.world = world;
        this.access = accessFactory.open(world);
        this.entropy = world.entropy().derive(name);
        begin();
    }

    /** How to reach objects and where final reads are logged; set by {@link ObjectWorld} before the start. */
    final void attach(ObjectAccess.Factory factory, FinalReads log, CallTally tally, Workload plan) {
        Invariants.check(world == null, "attach before the client starts");
        this.accessFactory = factory;
        this.finalReads = log;
        this.calls = tally;
        this.workload = plan;
    }

    /** Schedules the workload. */
    protected abstract void begin();

    /** Virtual time for the history. */
    protected final long now() {
        return virtualNanos.getAsLong();
    }

    /** Runs {@code task} at virtual time {@code atNanos} (this node's clock has no drift: the nemesis leaves it alone). */
    protected final void at(long atNanos, Runnable task) {
        world.loop().schedule(Math.max(0, atNanos - now()), task);
    }

    protected final void after(long delayNanos, Runnable task) {
        world.loop().schedule(delayNanos, task);
    }

    /** Calls object {@code objectName} of {@code namespace}; {@code then} runs with what came back. */
    protected final void call(String namespace, String objectName, Request request, Consumer<Outcome> then) {
        if (workload.dry()) return; // a tick the plan leaves out: drawn, never sent
        workload.sent(objectName + " " + request.method() + " " + request.path());
        Promise<Response> p = access.fetch(namespace, objectName, request, timeoutNanos);
        p.whenComplete((r, t) -> {
            Outcome o = Outcome.of(r, t);
            calls.record(o);
            then.accept(o);
        });
    }

    /**
     * This client's current process id in the histories. After an indeterminate operation the
     * process is replaced by a fresh one (as Jepsen does), since the old operation may still take
     * effect at any later time.
     */
    protected final int process() {
        return index * 1_000_000 + generation;
    }

    /** The current process gave up on an operation: later operations come from a new process. */
    protected final void retireProcess() {
        generation++;
    }

    /**
     * Sends {@code request} until a 2xx answer comes back (for idempotent final reads), then runs
     * {@code then} with it. Logged for the liveness verdict (P6): when it was first sent and when
     * it was answered.
     */
    protected final void untilAnswered(String namespace, String objectName, Request request, Consumer<Response> then) {
        FinalReads.Read read = finalReads.sent(name + ": " + objectName + " " + request.method() + " " + request.path(), now());
        resend(namespace, objectName, request, read, then);
    }

    private void resend(String namespace, String objectName, Request request, FinalReads.Read read, Consumer<Response> then) {
        call(namespace, objectName, request, o -> {
            if (o instanceof Outcome.Answer a && a.response().isOk()) {
                read.answered(now());
                then.accept(a.response());
            } else {
                read.attempt();
                after(RETRY_NANOS, () -> resend(namespace, objectName, request, read, then));
            }
        });
    }

    /** Pause before resending a final read that got no answer. */
    protected static final long RETRY_NANOS = 100_000_000L;

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }
}
