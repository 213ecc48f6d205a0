package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Values;

/** One durability violation found by {@link DurabilityChecker}. */
public sealed interface DurabilityFinding {
    /** The final read that shows the problem. */
    Operation read();

    /** One line for a person. */
    String describe();

    /** An acknowledged write the final read does not reflect. */
    record LostWrite(Object key, Operation write, Operation read) implements DurabilityFinding {
        @Override
        public String describe() {
            return "lost write: " + write.describe() + " was acknowledged, but final " + read.describe()
                    + " does not reflect it";
        }
    }

    /** An element a final read returns more than once. */
    record Duplicate(Object element, int count, Operation read) implements DurabilityFinding {
        @Override
        public String describe() {
            return "duplicate: " + Values.show(element) + " appears " + count + " times in final " + read.describe();
        }
    }

    /** A value or element that was deleted (acknowledged) after it was written, yet is read back. */
    record Resurrected(Object key, Operation delete, Operation read) implements DurabilityFinding {
        @Override
        public String describe() {
            return "resurrected: " + delete.describe() + " was acknowledged after the write completed, but final "
                    + read.describe() + " still shows " + Values.show(key);
        }
    }

    /** A value nobody ever tried to write. */
    record Phantom(Object value, Operation read) implements DurabilityFinding {
        @Override
        public String describe() {
            return "phantom: final " + read.describe() + " shows " + Values.show(value) + ", which no operation wrote";
        }
    }
}
