/**
 * scenarios/: named scenario definitions as data, and the builder that joins a scenario's model
 * with its checks into a system the explorers drive. Imports checks/, model/ and sim/; never
 * reports/ or cli/.
 */
export type { Scenario } from './scenario.js';
export { SCENARIOS, findScenario } from './registry.js';
export { ScenarioSystem, effectiveParams, type SystemConfig } from './system.js';
