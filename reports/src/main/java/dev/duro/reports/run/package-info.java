/**
 * The page a person reads after a simulation run: the verdict in words, a timeline with one lane
 * per node (up, crashed, paused, cut off by a partition), faults as marks, the first violation and
 * the object's story that led to it, each fact linked to its trace line, the run's parameters and
 * its reproduction line. Built from the run's files (summary JSON and trace JSON lines), so the
 * page can be made again from a run folder without rerunning anything.
 */
package dev.duro.reports.run;
