/**
 * Fault models and the nemesis that schedules them from a seed. {@link dev.duro.faults.NemesisPlan}
 * draws a run's fault mix (swarm testing: which kinds are on, then every rate) and
 * {@link dev.duro.faults.Nemesis} strikes during the fault phase and heals everything at its end:
 * partitions of every shape, clogs, crashes with restart, pauses, clock drift and jumps, network
 * loss/duplication/reordering, and disk faults a single copy survives (torn and corrupt unsynced
 * sectors on crash, failed and slow fsyncs). Corruption of synced data and read errors come with
 * the replicated log, which can repair them.
 */
package dev.duro.faults;
