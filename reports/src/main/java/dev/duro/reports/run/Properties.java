package dev.duro.reports.run;

import java.util.Map;

/** What each property id means, in words a reader who did not write Duro can follow. */
final class Properties {
    private Properties() {}

    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("P1", "linearizability: a client saw a result that no one-at-a-time order of the operations explains (a stale or impossible read)"),
            Map.entry("P2", "durability: a write whose acknowledgement reached a client was lost"),
            Map.entry("P3", "single activation: two activations of one object both produced output (split brain)"),
            Map.entry("P3-placement", "placement: an object ran or answered on a node outside its replica set"),
            Map.entry("P4", "gates: an event interleaved with a storage operation, or an output left before the writes it depends on were durable"),
            Map.entry("P5", "alarms: an alarm was lost or fired before its time"),
            Map.entry("P5-lost", "alarms: a durably set alarm never fired"),
            Map.entry("P5-early", "alarms: an alarm fired before its time"),
            Map.entry("P6", "liveness: after the faults healed, an object did not serve again within the bound"),
            Map.entry("P7", "determinism: the same seed gave a different run"),
            Map.entry("K1", "kv linearizability: a key's gets, puts and compare-and-sets are not linearizable"),
            Map.entry("K2", "kv durability: an acknowledged write is missing from the final reads"),
            Map.entry("K3", "kv liveness: a final read was never answered"),
            Map.entry("C1", "counter linearizability: increments and reads are not linearizable"),
            Map.entry("C2-lost", "counter durability: the final value is below an acknowledged increment"),
            Map.entry("C2-phantom", "counter: the final value counts more increments than clients sent"),
            Map.entry("C2-duplicate", "counter: two acknowledged increments returned the same value"),
            Map.entry("C3", "counter liveness: a final read was never answered"),
            Map.entry("B1", "bank: a balance read does not sum to the opening total, or a balance went negative"),
            Map.entry("B2", "bank durability: an acknowledged transfer is missing from the ledger"),
            Map.entry("B3", "bank: the ledger holds a transfer no client sent"),
            Map.entry("B4", "bank: final balances differ from opening balances plus the recorded transfers (not exactly once)"),
            Map.entry("B5", "bank liveness: a final read was never answered"),
            Map.entry("H1", "chat: a connection's live broadcasts skipped, repeated or reordered a message"),
            Map.entry("H2", "chat: a member saw a message that is not in the final log at that position"),
            Map.entry("H3", "chat: the room's log has holes or duplicates"),
            Map.entry("H4", "chat durability: an acknowledged post is missing from the log"),
            Map.entry("H5", "chat: after catching up, a member misses messages it should hold"),
            Map.entry("H6", "chat liveness: the final log was never read"),
            Map.entry("R1", "rate limiter: more grants than the limit allows in some window"),
            Map.entry("R2", "rate limiter durability: an acknowledged grant was forgotten"),
            Map.entry("R3", "rate limiter liveness: a final read was never answered"),
            Map.entry("S1", "scheduler durability: an acknowledged job is missing"),
            Map.entry("S2", "scheduler: a job ran that no client scheduled"),
            Map.entry("S3", "scheduler: a job ran before its time"),
            Map.entry("S4", "scheduler: a due job never ran"),
            Map.entry("S5", "scheduler liveness: a final read was never answered"),
            Map.entry("crash", "crash: an invariant broke or node code threw"));

    /** The property in words, or a pointer to the scenario docs for ids this page does not know. */
    static String words(String property) {
        String w = WORDS.get(property);
        if (w != null) return w;
        int dash = property.indexOf('-');
        if (dash > 0 && WORDS.containsKey(property.substring(0, dash))) return WORDS.get(property.substring(0, dash));
        return "scenario property " + property + " (docs/scenarios.md describes each scenario's properties)";
    }
}
