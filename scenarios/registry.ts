import type { Scenario } from './scenario.js';
import { VIRTIO_SCENARIOS } from './virtio.js';
import { FS_SCENARIOS } from './fs.js';
import { PROC_SCENARIOS } from './proc.js';
import { BOOT_SCENARIOS } from './boot.js';

/** Every scenario, by name. */
export const SCENARIOS: readonly Scenario[] = [...VIRTIO_SCENARIOS, ...FS_SCENARIOS, ...PROC_SCENARIOS, ...BOOT_SCENARIOS];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
