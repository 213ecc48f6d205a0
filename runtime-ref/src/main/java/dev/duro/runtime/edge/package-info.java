/**
 * The client-to-node seam: a transport-neutral {@link dev.duro.runtime.edge.FrontDoor} that edge
 * adapters call (the simulator's binary protocol, HTTP and WebSocket in {@code deploy}).
 */
package dev.duro.runtime.edge;
