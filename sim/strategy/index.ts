/**
 * Exploration strategies, one per file, all implementing `Strategy`. This folder must not import
 * anything from model/, checks/ or scenarios/.
 */
export type { Strategy } from './strategy.js';
export { RandomStrategy } from './random.js';
export { ReplayStrategy, ReplayDivergence } from './replay.js';
export { DfsStrategy } from './dfs.js';
export { PctStrategy, pctGuarantee, type PctOptions } from './pct.js';
