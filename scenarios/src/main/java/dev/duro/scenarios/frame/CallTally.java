package dev.duro.scenarios.frame;

/**
 * How many calls the clients of a run made and how many got an answer (any HTTP status below 500;
 * timeouts, resets, overload and server errors are not answers): the availability figure of the
 * efficiency baseline. Shared by every client of a run (the simulator is single threaded).
 */
public final class CallTally {
    private long calls;
    private long answered;

    void record(Outcome outcome) {
        calls++;
        if (outcome instanceof Outcome.Answer a && a.response().status() < 500) answered++;
    }

    public long calls() {
        return calls;
    }

    public long answered() {
        return answered;
    }

    /** Answered calls over calls (1 when there were none). */
    public double answeredFraction() {
        return calls == 0 ? 1.0 : (double) answered / calls;
    }
}
