/**
 * Simulated time: integer microseconds since the start of the run. The model reads time only
 * from here (never the wall clock), which is what makes a seed name a run.
 */
export type Micros = number;
