/**
 * jqwik for users' own Durable Objects on a simulated cluster: fault plans as arbitraries
 * ({@link dev.duro.testkit.DuroArbitraries}), checks run on
 * {@link dev.duro.scenarios.testkit.ClusterTestKit} with Duro's repro line on failure
 * ({@link dev.duro.testkit.DuroCheck}), and run folders for the shrunk failure
 * ({@link dev.duro.testkit.DuroRunFolders}). Test-side code: it writes files, so it stays out of
 * the deterministic packages. See {@code docs/testing-your-objects.md}.
 */
package dev.duro.testkit;
