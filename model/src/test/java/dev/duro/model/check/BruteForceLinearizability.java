package dev.duro.model.check;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reference checker that is slow and obviously right, for differential testing of
 * {@link LinearizabilityChecker} on histories of at most ~8 operations.
 *
 * <p>It is the definition (Herlihy &amp; Wing, with Knossos's treatment of crashed ops): a history
 * is linearizable if some total order of its operations is legal for the sequential specification
 * and respects real time, where A must precede B when A completed strictly before B was invoked
 * (closed intervals: equal times are concurrent). Failed ops are excluded; an indeterminate op
 * completes at +infinity, so it never has to precede anything, and may be placed anywhere after
 * every op that completed before its invocation, or left out (it never took effect). No memo, no
 * pruning beyond illegal steps: every such order is enumerated until one is legal.
 *
 * <p>The sequential specifications are re-implemented here, independently of the production
 * models, as plain functions on plain values.
 */
final class BruteForceLinearizability {
    private BruteForceLinearizability() {}

    /** Returned by a {@link Spec} step when the op cannot happen in that state. */
    static final Object ILLEGAL = new Object();

    /** A sequential specification: initial state and step function (next state or ILLEGAL). */
    interface Spec {
        Object initial();

        Object step(Object state, Operation op);
    }

    static boolean linearizable(History history, Spec spec) {
        List<Operation> ops = new ArrayList<>();
        for (Operation op : history.operations()) if (op.status() != Status.FAIL) ops.add(op);
        return extend(ops, new boolean[ops.size()], spec.initial(), spec);
    }

    private static boolean extend(List<Operation> ops, boolean[] placed, Object state, Spec spec) {
        boolean everyCompletedOpPlaced = true;
        for (int i = 0; i < ops.size(); i++) if (!placed[i] && ops.get(i).status() == Status.OK) everyCompletedOpPlaced = false;
        if (everyCompletedOpPlaced) return true; // the remaining indeterminate ops never took effect
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayGoNext(ops, placed, ops.get(i))) continue;
            Object next = spec.step(state, ops.get(i));
            if (next == ILLEGAL) continue;
            placed[i] = true;
            if (extend(ops, placed, next, spec)) return true;
            placed[i] = false;
        }
        return false;
    }

    /** No unplaced op must precede {@code candidate}: none completed before it was invoked. */
    private static boolean mayGoNext(List<Operation> ops, boolean[] placed, Operation candidate) {
        for (int j = 0; j < ops.size(); j++) {
            Operation other = ops.get(j);
            if (!placed[j] && other.status() == Status.OK && other.completeNanos() < candidate.invokeNanos()) return false;
        }
        return true;
    }

    private static boolean unknown(Object output) {
        return output == Unknown.VALUE;
    }

    /** register and cas-register, initial nil. */
    static Spec register() {
        return new Spec() {
            public Object initial() {
                return null;
            }

            public Object step(Object state, Operation op) {
                switch (op.f()) {
                    case "read":
                        return unknown(op.output()) || Objects.equals(op.output(), state) ? state : ILLEGAL;
                    case "write":
                        return op.input();
                    case "cas": {
                        List<?> fromTo = (List<?>) op.input();
                        boolean matches = Objects.equals(fromTo.get(0), state);
                        if (unknown(op.output())) return matches ? fromTo.get(1) : state;
                        if (Boolean.FALSE.equals(op.output())) return matches ? ILLEGAL : state;
                        return matches ? fromTo.get(1) : ILLEGAL;
                    }
                    default:
                        throw new IllegalArgumentException(op.f());
                }
            }
        };
    }

    /** multi-register, all registers nil at first; a read of nil constrains nothing (Knossos). */
    static Spec multiRegister() {
        return new Spec() {
            public Object initial() {
                return new TreeMap<String, Object>();
            }

            @SuppressWarnings("unchecked")
            public Object step(Object state, Operation op) {
                TreeMap<String, Object> registers = new TreeMap<>((Map<String, Object>) state);
                Object txn = op.status() == Status.OK && !unknown(op.output()) ? op.output() : op.input();
                for (Object micro : (List<?>) txn) {
                    List<?> m = (List<?>) micro;
                    String key = (String) m.get(1);
                    if (m.get(0).equals("read")) {
                        if (m.get(2) != null && !unknown(m.get(2)) && !m.get(2).equals(registers.get(key))) return ILLEGAL;
                    } else {
                        registers.put(key, m.get(2));
                    }
                }
                return registers;
            }
        };
    }

    /** kv: strings per key, every key "" at first; append concatenates. */
    static Spec kv() {
        return new Spec() {
            public Object initial() {
                return new TreeMap<String, String>();
            }

            @SuppressWarnings("unchecked")
            public Object step(Object state, Operation op) {
                TreeMap<String, String> values = new TreeMap<>((Map<String, String>) state);
                String key = (String) op.key();
                String current = values.getOrDefault(key, "");
                switch (op.f()) {
                    case "get":
                        return unknown(op.output()) || current.equals(op.output()) ? values : ILLEGAL;
                    case "put":
                        values.put(key, (String) op.input());
                        return values;
                    case "append":
                        values.put(key, current + op.input());
                        return values;
                    default:
                        throw new IllegalArgumentException(op.f());
                }
            }
        };
    }

    /** counter from 0. */
    static Spec counter() {
        return new Spec() {
            public Object initial() {
                return 0L;
            }

            public Object step(Object state, Operation op) {
                return switch (op.f()) {
                    case "add" -> (Long) state + (Long) op.input();
                    case "read" -> unknown(op.output()) || state.equals(op.output()) ? state : ILLEGAL;
                    default -> throw new IllegalArgumentException(op.f());
                };
            }
        };
    }

    /** mutex, free at first. */
    static Spec mutex() {
        return new Spec() {
            public Object initial() {
                return false;
            }

            public Object step(Object state, Operation op) {
                boolean held = (Boolean) state;
                return switch (op.f()) {
                    case "acquire" -> held ? ILLEGAL : true;
                    case "release" -> held ? false : ILLEGAL;
                    default -> throw new IllegalArgumentException(op.f());
                };
            }
        };
    }

    /**
     * set of integers, empty at first. A read returns the whole set: the same elements, each
     * once (a set cannot hold, so cannot return, an element twice).
     */
    static Spec set() {
        return new Spec() {
            public Object initial() {
                return new TreeSet<Long>();
            }

            @SuppressWarnings("unchecked")
            public Object step(Object state, Operation op) {
                TreeSet<Long> elements = new TreeSet<>((TreeSet<Long>) state);
                switch (op.f()) {
                    case "add":
                        elements.add((Long) op.input());
                        return elements;
                    case "read":
                        if (unknown(op.output())) return elements;
                        Collection<?> seen = (Collection<?>) op.output();
                        return seen.size() == elements.size() && new TreeSet<>(seen).equals(elements) ? elements : ILLEGAL;
                    default:
                        throw new IllegalArgumentException(op.f());
                }
            }
        };
    }

    /** list-append, empty at first; a read returns the whole list. */
    static Spec listAppend() {
        return new Spec() {
            public Object initial() {
                return List.of();
            }

            public Object step(Object state, Operation op) {
                List<Object> list = new ArrayList<>((List<?>) state);
                switch (op.f()) {
                    case "append":
                        list.add(op.input());
                        return list;
                    case "read":
                        return unknown(op.output()) || list.equals(op.output()) ? list : ILLEGAL;
                    default:
                        throw new IllegalArgumentException(op.f());
                }
            }
        };
    }
}
