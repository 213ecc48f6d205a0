/**
 * Processes that serve: a member with its front door and HTTP listener ({@link dev.duro.deploy.serve.ServedNode},
 * what {@code duro node} runs) and a whole cluster in one process ({@link dev.duro.deploy.serve.LocalCluster},
 * what {@code duro dev} runs).
 */
package dev.duro.deploy.serve;
