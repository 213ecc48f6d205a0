/**
 * The scenario catalogue ({@link dev.duro.scenarios.ScenarioCatalogue}): named, seeded simulation
 * tests that build a cluster, a workload and a fault schedule, then judge what the clients
 * observed. The Durable Object scenarios run the reference runtime on one simulated node under the
 * nemesis ({@code frame} holds what they share): {@code kv} (the default), {@code counter},
 * {@code bank}, {@code chat}, {@code ratelimit}, {@code scheduler}, each with its example object,
 * workload and checks; {@code check} holds the trace-level checkers (P4 gates, P5 alarms).
 * {@code demo} holds the disk-backed log demo, {@code ping} the messaging demo. See
 * docs/scenarios.md.
 */
package dev.duro.scenarios;
