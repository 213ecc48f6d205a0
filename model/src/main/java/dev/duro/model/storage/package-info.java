/**
 * The object's storage as user code sees it: the synchronous KV API, the SQL API, transactions,
 * alarms and point-in-time-recovery bookmarks. One SQLite database per object holds all of it.
 */
package dev.duro.model.storage;
