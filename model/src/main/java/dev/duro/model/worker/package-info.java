/** The stateless front worker of an application and what it sees ({@link dev.duro.model.worker.WorkerEnv}). */
package dev.duro.model.worker;
