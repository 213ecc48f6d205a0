/**
 * The node's front door: the wire protocol between clients and gateways, the gateway that maps a
 * client request to an object by namespace and name or id, and the client library workloads use.
 */
package dev.duro.runtime.gateway;
