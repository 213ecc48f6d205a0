/**
 * The deterministic world: seeded entropy, virtual clock and a totally ordered event queue, node
 * processes with crash and restart, a simulated network that carries encoded bytes, a simulated
 * disk on jimfs with a crash model, and the trace with its running digest. Everything runs on one
 * thread in virtual-time order; the same seed and configuration give the same trace.
 */
package dev.duro.sim;
