/**
 * checks/: invariants and progress properties by stable id (invariants.md), one family per file,
 * each reading model state and the model's probes. Imports model/ and sim/ only; never scenarios/,
 * reports/ or cli/.
 */
export type { CheckFamily, CheckInfo } from './check.js';
export { ALL_CHECKS, checkInfo, checkFamilies } from './registry.js';
