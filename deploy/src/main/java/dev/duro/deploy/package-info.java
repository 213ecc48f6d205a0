/**
 * The real world: Netty transport between nodes, HTTP and WebSocket gateway, real clock and timers on event loops, real disk with fsync (FileChannel.force), node process and cluster configuration.
 *
 * <p>Not built yet: this module holds only its build file until its issue comes.
 */
package dev.duro.deploy;
