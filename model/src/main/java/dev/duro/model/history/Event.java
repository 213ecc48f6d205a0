package dev.duro.model.history;

/**
 * One line of a Jepsen-style log: an invoke or a completion, before pairing into operations.
 *
 * @param time when it happened; Jepsen logs use the event's position
 * @param type {@code null} for an invoke, else how the operation completed
 */
record Event(int line, long time, int process, Status type, String f, Object key, Object value) {
    boolean isInvoke() {
        return type == null;
    }
}
