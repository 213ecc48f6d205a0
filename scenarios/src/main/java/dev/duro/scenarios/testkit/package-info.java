/**
 * A test kit for users' own Durable Objects: {@link dev.duro.scenarios.testkit.ObjectTestKit} runs
 * one Duro node and a client in a deterministic simulation and drives everything from the virtual
 * clock. See {@code docs/testing-your-objects.md}.
 */
package dev.duro.scenarios.testkit;
