/**
 * <b>Interim.</b> A {@link dev.duro.runtime.edge.FrontDoor} over today's {@code ClusterClient}, on
 * an edge client node beside each member, until runtime-ref's own front door lands and replaces
 * this package (docs/deploy.md, "Interim front door").
 */
package dev.duro.deploy.edge;
