/**
 * The platform's public API as user code sees it, the world SPIs ({@link dev.duro.model.world}),
 * the deterministic future ({@link dev.duro.model.async.Promise}), and the history vocabulary and
 * checkers. Depends on the JDK only.
 */
package dev.duro.model;
