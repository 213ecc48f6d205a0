package dev.duro.scenarios.frame;

import java.util.ArrayList;
import java.util.List;

/**
 * The final reads of a run, for the liveness verdict (P6): what each was, when it was first sent,
 * how many attempts failed, and when (virtual time) it was answered. Filled by
 * {@link ClientProgram#untilAnswered}; judged by {@link ObjectWorld}.
 */
public final class FinalReads {
    /** One final read: sent once, resent until answered. */
    public static final class Read {
        private final String what;
        private final long firstSentNanos;
        private long answeredNanos = -1;
        private int failedAttempts;

        Read(String what, long firstSentNanos) {
            this.what = what;
            this.firstSentNanos = firstSentNanos;
        }

        void attempt() {
            failedAttempts++;
        }

        void answered(long nowNanos) {
            if (answeredNanos < 0) answeredNanos = nowNanos;
        }

        public String what() {
            return what;
        }

        public long firstSentNanos() {
            return firstSentNanos;
        }

        /** −1 while unanswered. */
        public long answeredNanos() {
            return answeredNanos;
        }

        public int failedAttempts() {
            return failedAttempts;
        }
    }

    private final List<Read> reads = new ArrayList<>();

    Read sent(String what, long nowNanos) {
        Read r = new Read(what, nowNanos);
        reads.add(r);
        return r;
    }

    /** Every final read so far, in the order they were first sent. */
    public List<Read> reads() {
        return List.copyOf(reads);
    }
}
