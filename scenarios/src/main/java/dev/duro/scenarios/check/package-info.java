/**
 * Trace-level checkers over the runtime's facts ({@link dev.duro.runtime.RuntimeTrace}): the gates
 * (P4, {@link dev.duro.scenarios.check.GateChecker}) and alarms (P5,
 * {@link dev.duro.scenarios.check.AlarmChecker}), fed by {@link dev.duro.scenarios.check.RuntimeTraceTap},
 * which each scenario composes with the run's trace listener.
 */
package dev.duro.scenarios.check;
