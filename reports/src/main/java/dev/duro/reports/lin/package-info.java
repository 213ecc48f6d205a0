/** The linearizability counterexample view: one self-contained HTML page per checked history. */
package dev.duro.reports.lin;
