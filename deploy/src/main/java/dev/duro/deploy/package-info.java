/**
 * The real world: the world SPIs on a Netty event loop per node ({@code world}), TCP between nodes
 * with CRC32C and HMAC-SHA256 frames ({@code net}), java.nio files with fsync on a per-node thread
 * ({@code disk}), and the node assembly with its locked, versioned data directory ({@code node}).
 * docs/deploy.md says what exists and what does not yet (HTTP and WebSocket front door, the
 * {@code duro node} and {@code duro dev} commands, the control plane).
 */
package dev.duro.deploy;
