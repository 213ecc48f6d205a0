/**
 * The per-object storage engine: one in-memory SQLite database per object behind the
 * {@link dev.duro.model.storage.Storage} API, whose writes are collected into batches for the
 * object's {@link dev.duro.runtime.log.ObjectLog} and replayed from it after a crash. Entry point:
 * {@link dev.duro.runtime.storage.ObjectStore}. Design and formats: docs/storage.md.
 */
package dev.duro.runtime.storage;
