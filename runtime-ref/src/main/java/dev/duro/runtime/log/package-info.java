/**
 * The durable log of an object's commit batches and its snapshots. {@link dev.duro.runtime.log.ObjectLog}
 * is the seam where replication slots in: on one node it is a checksummed, fsynced file on the
 * node's disk; in a cluster a quorum of replicas holds it. The object host and the storage engine
 * never know which.
 */
package dev.duro.runtime.log;
