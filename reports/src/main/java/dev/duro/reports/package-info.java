/**
 * What a person reads after a run: run summary, HTML timeline (nodes x time, messages, faults, violations), linearizability-failure view, sweep tables, JFR event definitions.
 */
package dev.duro.reports;
