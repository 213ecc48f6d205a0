/**
 * The reference runtime: object host with input and output gates ({@code host}), SQLite storage
 * engine ({@code storage}), the log of commit batches behind a seam replication slots into
 * ({@code log}), ids and namespaces ({@code ids}), the gateway and its wire protocol
 * ({@code gateway}) and the node program that assembles them ({@code node}). Depends on model only,
 * never on sim or Netty.
 */
package dev.duro.runtime;
