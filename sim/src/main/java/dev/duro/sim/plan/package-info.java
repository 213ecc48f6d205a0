/**
 * A run's fault schedule and workload as explicit data ({@link dev.duro.sim.plan.RunPlan}): the
 * fault events the nemesis executed (or is to execute), the standing fault rates, and which
 * client operations were (or are to be) issued. A seeded run records the plan it executed; a run
 * given a plan executes exactly its fault events instead of drawing them. Reading and writing plan
 * files belongs to the CLI; this package holds the parsed data only.
 */
package dev.duro.sim.plan;
