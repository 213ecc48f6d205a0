package dev.duro.model.history;

import dev.duro.model.util.Invariants;

/**
 * One client operation: a closed interval [{@code invokeNanos}, {@code completeNanos}] on one
 * process. Values are plain data: {@code null} (nil), {@link Long}, {@link String},
 * {@link Boolean}, {@link Keyword}, {@link java.util.List}, {@link java.util.Map}, or
 * {@link Unknown#VALUE} for an output nobody observed.
 *
 * <p>An {@link Status#INFO} op's {@code completeNanos} is when the client gave up (or
 * {@link #NEVER}); checkers treat its return as +infinity and its output as unknown.
 *
 * @param id dense index in its {@link History}, in invoke order
 * @param process the client (Jepsen's process); at most one open op per process at a time
 * @param f the function name, e.g. {@code read}, {@code write}, {@code cas}, {@code append}
 * @param key the key for keyed models (KV), or {@code null}
 * @param input the argument given at invoke
 * @param output the result seen at completion; {@link Unknown#VALUE} unless {@code status} is OK
 * @param line the source line of the invoke (1-based), or 0 when recorded in memory
 */
public record Operation(
        int id,
        int process,
        String f,
        Object key,
        Object input,
        Object output,
        Status status,
        long invokeNanos,
        long completeNanos,
        int line) {

    /** The completion time of an operation that never completed. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Invariants.check(id >= 0, "operation id must be >= 0: %s", id);
        Invariants.check(f != null && !f.isEmpty(), "operation %s has no function name", id);
        Invariants.check(status != null, "operation %s has no status", id);
        Invariants.check(invokeNanos <= completeNanos,
                "operation %s completes (%s) before it is invoked (%s)", id, completeNanos, invokeNanos);
        Invariants.check(status == Status.OK || output == Unknown.VALUE,
                "operation %s is %s but has an output", id, status);
    }

    /** True when the op may or may not have taken effect (its return is at +infinity). */
    public boolean indeterminate() {
        return status == Status.INFO;
    }

    /** A copy with another id (histories renumber after filtering). */
    public Operation withId(int newId) {
        return new Operation(newId, process, f, key, input, output, status, invokeNanos, completeNanos, line);
    }

    /** Short human form, e.g. {@code p3 cas(1 2) -> true}. */
    public String describe() {
        StringBuilder b = new StringBuilder("p").append(process).append(' ').append(f).append('(');
        if (key != null) b.append(Values.show(key)).append(input == null ? "" : " ");
        if (input != null) b.append(Values.show(input));
        b.append(')');
        switch (status) {
            case OK -> b.append(" -> ").append(Values.show(output));
            case FAIL -> b.append(" failed");
            case INFO -> b.append(" -> ? (indeterminate)");
        }
        return b.toString();
    }
}
