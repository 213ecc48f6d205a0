/**
 * The scenario catalogue ({@link dev.duro.scenarios.ScenarioCatalogue}): named, seeded simulation
 * tests that build a cluster, a workload and a fault schedule, then judge what the clients
 * observed. {@code demo} holds the disk-backed log demo, {@code ping} the messaging demo; the
 * Durable Object scenarios (counter, kv, bank, chat, rate limiter, scheduler) come with the
 * runtime.
 */
package dev.duro.scenarios;
