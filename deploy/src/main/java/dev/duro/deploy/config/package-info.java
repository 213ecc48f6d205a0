/**
 * The cluster file that {@code duro node} reads: a small, hand-parsed subset of TOML
 * ({@link dev.duro.deploy.config.ClusterFileParser} says which), and its one-line errors.
 */
package dev.duro.deploy.config;
