/**
 * What a person reads after a run: run summary, HTML timeline (nodes x time, messages, faults, violations), linearizability-failure view, sweep tables, JFR event definitions.
 *
 * <p>Not built yet: this module holds only its build file until its issue comes.
 */
package dev.duro.reports;
