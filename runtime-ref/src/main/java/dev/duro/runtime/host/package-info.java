/**
 * The object host: runs the objects of one node on its loop, with the input and output gates,
 * write coalescing, resets, alarms, hibernatable WebSockets, eviction and the test hooks
 * (docs/runtime.md). Entry point: {@link dev.duro.runtime.host.ObjectHost}.
 */
package dev.duro.runtime.host;
