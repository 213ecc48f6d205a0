/**
 * Test kits for users' own Durable Objects: {@link dev.duro.scenarios.testkit.ObjectTestKit} runs
 * one Duro node and a client in a deterministic simulation; {@link dev.duro.scenarios.testkit.ClusterTestKit}
 * runs a replicated cluster under a {@link dev.duro.scenarios.testkit.FaultPlan} (faults as data).
 * Both drive everything from the virtual clock. The jqwik side (fault plans as arbitraries, run
 * folders) is module {@code testkit}. See {@code docs/testing-your-objects.md}.
 */
package dev.duro.scenarios.testkit;
