package dev.duro.deploy.config;

import dev.duro.model.world.NodeId;

/**
 * One member as the cluster file names it.
 *
 * @param id       its node id ({@code n0}, {@code n1}, ...)
 * @param host     where the other members and clients reach it: an IP literal or a DNS name (resolved at
 *                 every connection attempt, so a Kubernetes pod that comes back with another IP is found)
 * @param nodePort the node-to-node TCP port
 * @param httpPort the HTTP port its front door listens on
 * @param location its location label, or null for a cluster without locations
 * @param line     the line of the file where the member's section starts (for error messages)
 */
public record Member(NodeId id, String host, int nodePort, int httpPort, String location, int line) {
}
