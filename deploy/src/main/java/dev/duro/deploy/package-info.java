/**
 * The real world: the world SPIs on a Netty event loop per node ({@code world}), TCP between nodes
 * with CRC32C and HMAC-SHA256 frames ({@code net}), java.nio files with fsync on a per-node thread
 * ({@code disk}), the node assembly with its locked, versioned data directory ({@code node}); the
 * HTTP and WebSocket front over a {@code FrontDoor} ({@code http}), an interim front door until
 * runtime-ref's lands ({@code edge}), the example application ({@code example}), the cluster file
 * ({@code config}), and the processes {@code duro node} and {@code duro dev} run ({@code serve}).
 * docs/deploy.md says what exists and what does not yet.
 */
package dev.duro.deploy;
