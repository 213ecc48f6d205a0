package dev.duro.scenarios.check;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One fact the runtime reported through its trace sink ({@link RuntimeTrace}), parsed from the
 * detail text {@code id=<hex> epoch=<n> key=value ...}.
 *
 * @param index the trace event's index (for evidence in messages)
 * @param timeNanos virtual time
 * @param node the node index that reported it
 * @param incarnation the node's incarnation
 * @param kind one of the {@link RuntimeTrace} constants
 * @param id the object id (hex)
 * @param epoch the activation's epoch
 * @param fields every other key=value pair, in order
 */
public record RuntimeFact(long index, long timeNanos, int node, long incarnation, String kind, String id, long epoch,
                          Map<String, String> fields) {
    /** The kinds this package understands; other RECORD labels (disk ops, exits) are not facts. */
    public static final Set<String> KINDS = Set.of(RuntimeTrace.RECOVER_BEGIN, RuntimeTrace.RECOVER_END,
            RuntimeTrace.EVENT_BEGIN, RuntimeTrace.EVENT_END, RuntimeTrace.WRITE, RuntimeTrace.SEAL, RuntimeTrace.DURABLE,
            RuntimeTrace.RESET, RuntimeTrace.OUTPUT, RuntimeTrace.ALARM_SET, RuntimeTrace.ALARM_DELETE, RuntimeTrace.ALARM_FIRE,
            RuntimeTrace.ALARM_DONE, RuntimeTrace.EVICT);

    public RuntimeFact {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The fact in a trace event, if it is one; a malformed detail is an error (the contract broke). */
    public static Optional<RuntimeFact> of(TraceEvent e) {
        if (e.kind() != EventKind.RECORD || e.label() == null || !KINDS.contains(e.label())) return Optional.empty();
        return Optional.of(parse(e.index(), e.timeNanos(), e.node(), e.a(), e.label(), e.detail()));
    }

    /** Parses a detail string; throws {@link IllegalArgumentException} naming what is missing. */
    public static RuntimeFact parse(long index, long timeNanos, int node, long incarnation, String kind, String detail) {
        Map<String, String> f = new LinkedHashMap<>();
        if (detail != null) {
            for (String part : detail.trim().split(" +")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException(kind + " detail has a part without key=value: '" + part + "' in " + detail);
                f.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        String id = f.remove("id");
        String epoch = f.remove("epoch");
        if (id == null || epoch == null) {
            throw new IllegalArgumentException(kind + " detail lacks id= or epoch=: " + detail);
        }
        return new RuntimeFact(index, timeNanos, node, incarnation, kind, id, Long.parseLong(epoch), f);
    }

    /** A numeric field; throws {@link IllegalArgumentException} if absent. */
    public long number(String key) {
        String v = fields.get(key);
        if (v == null) throw new IllegalArgumentException(kind + " #" + index + " lacks " + key + "=: " + fields);
        return Long.parseLong(v);
    }

    public String text(String key) {
        return fields.getOrDefault(key, "");
    }

    /** Short object name for messages: the first 12 hex digits. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** {@code #index n<node> kind} for evidence. */
    public String where() {
        return "#" + index + " t=" + TraceEvent.formatMillis(timeNanos) + " n" + node;
    }
}
