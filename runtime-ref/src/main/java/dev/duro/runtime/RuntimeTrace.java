package dev.duro.runtime;

/**
 * The facts the runtime reports through {@link dev.duro.model.world.TraceSink} for the trace-level
 * checkers (P4 gates, P5 alarms). Every detail starts with {@code id=<64 hex>} (the object) and
 * continues with space-separated {@code key=value} pairs; values contain no spaces.
 *
 * <p>Recording never changes behaviour; outside the simulator the sink may drop them.
 */
public final class RuntimeTrace {
    /** Activation starts loading state: {@code id=.. epoch=<n>}. No event may be delivered until {@link #RECOVER_END}. */
    public static final String RECOVER_BEGIN = "obj-recover-begin";
    /** State loaded: {@code id=.. epoch=<n> seq=<last batch>}. */
    public static final String RECOVER_END = "obj-recover-end";
    /** An event handler starts: {@code id=.. epoch=<n> event=<fetch|alarm|ws-message|ws-close|ws-error|timer|resume|construct|test>}
     * ({@code test}: a test hook running code inside the object). */
    public static final String EVENT_BEGIN = "obj-event-begin";
    /** The handler's synchronous part returned: {@code id=.. epoch=<n>}. */
    public static final String EVENT_END = "obj-event-end";
    /** One storage write (KV put/delete, SQL write, alarm change, deleteAll): {@code id=.. epoch=<n> op=<name>}. */
    public static final String WRITE = "obj-write";
    /** The writes since the previous seal become batch {@code seq}: {@code id=.. epoch=<n> seq=<n>}. */
    public static final String SEAL = "obj-seal";
    /** Batch {@code seq} (and all before it) is durable: {@code id=.. epoch=<n> seq=<n>}. */
    public static final String DURABLE = "obj-durable";
    /** Uncommitted writes dropped and the activation reset: {@code id=.. epoch=<n> reason=<word>}. */
    public static final String RESET = "obj-reset";
    /**
     * An output leaves the object (response, outgoing call, WebSocket send or close):
     * {@code id=.. epoch=<n> kind=<response|call|ws-send|ws-close> seq=<sealed seq it waited for>}.
     */
    public static final String OUTPUT = "obj-output";
    /**
     * An output was produced and enters the output gate: {@code id=.. epoch=<n> kind=<..> seq=<n>}, the
     * batch it will wait for, which must hold every write made before this point. Outputs leave
     * ({@link #OUTPUT}) in the order they were held, unless a reset discards them.
     */
    public static final String OUTPUT_HOLD = "obj-output-hold";
    /** An alarm was set durably-pending: {@code id=.. epoch=<n> at=<wall ms>} (durable once its seal is). */
    public static final String ALARM_SET = "alarm-set";
    /**
     * The alarm was deleted (by {@code deleteAlarm}, {@code deleteAll}, or by the host after its
     * handler succeeded or exhausted its retries), durably-pending like {@link #ALARM_SET}:
     * {@code id=.. epoch=<n>}.
     */
    public static final String ALARM_DELETE = "alarm-delete";
    /** An alarm handler starts: {@code id=.. epoch=<n> scheduled=<wall ms> now=<wall ms> retry=<n>}. */
    public static final String ALARM_FIRE = "alarm-fire";
    /**
     * An activation ended without a reset (idle eviction, hibernation, test hook) after its writes
     * were durable: {@code id=.. epoch=<n> reason=<idle|hibernate|evict-hook|hibernate-hook|probe|moved>}.
     */
    public static final String EVICT = "obj-evict";
    /**
     * A WebSocket handler failed; the socket is closed with 1011 and {@code webSocketError} runs
     * next: {@code id=.. epoch=<n> socket=<id> handler=<webSocketMessage|webSocketClose|webSocketError>
     * error=<exception class>}.
     */
    public static final String WS_HANDLER_FAILED = "obj-ws-error";
    /** An alarm handler succeeded and the alarm was cleared: {@code id=.. epoch=<n> scheduled=<wall ms>}. */
    public static final String ALARM_DONE = "alarm-done";

    private RuntimeTrace() {
    }
}
