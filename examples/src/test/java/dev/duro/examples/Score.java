package dev.duro.examples;

import dev.duro.model.object.Request;

/**
 * One step of a leaderboard workload: wait {@code afterMs} of virtual time, then send {@code points} for {@code player}.
 */
record Score(String player, int points, long afterMs) {
    Request request() {
        return Request.post("/score?player=" + player + "&points=" + points, "");
    }

    @Override
    public String toString() {
        return "+" + afterMs + "ms " + player + "=" + points;
    }
}
