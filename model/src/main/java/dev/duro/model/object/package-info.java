/**
 * The programming model users write objects against: {@link dev.duro.model.object.DurableObject},
 * its {@link dev.duro.model.object.ObjectContext}, namespaces, ids, stubs, requests, responses and
 * errors. Nothing here knows whether it runs in the simulator or in a real cluster.
 */
package dev.duro.model.object;
