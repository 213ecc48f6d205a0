/**
 * The reference runtime (issue: the Durable Object runtime): object host with input and output gates, SQLite storage engine, replicated storage log, placement and leases, router and gateway, alarms, WebSocket hibernation, eviction. Depends on model only, never on sim or Netty.
 *
 * <p>Not built yet: this module holds only its build file until its issue comes.
 */
package dev.duro.runtime;
