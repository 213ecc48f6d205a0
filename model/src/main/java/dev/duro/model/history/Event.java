package dev.duro.model.history;

/**
 * One line of a Jepsen-style log: an invoke or a completion, before pairing into operations.
 *
 * @param type {@code null} for an invoke, else how the operation completed
 */
record Event(int line, int process, Status type, String f, Object key, Object value) {
    boolean isInvoke() {
        return type == null;
    }
}
