/**
 * Where each zoo mutant (model/mutants.ts, bug-zoo.md) should be caught: the scenarios whose
 * workload reaches its code site and its trigger, in the order `zoo` tries them. The first is the
 * scenario the zoo's design names for it (the one test/model/mutants.test.ts uses); the others
 * also reach the trigger, in another workload (measured: each of them catches the mutant within
 * its campaign budget), so a mutant one workload stops reaching is still looked for in another.
 */
import { MUTANTS } from '../model/mutants.js';

export const ZOO_SCENARIOS: Readonly<Record<string, readonly string[]>> = {
  'publish-before-fill': ['virtio-stress', 'virtio-small'],
  'idx-before-status': ['virtio-stress', 'virtio-small'],
  // The indices wrap at 2^W: only virtio-wrap (W = 4, 120 requests) gets that far.
  'wrap-compare': ['virtio-wrap'],
  'modulo-index': ['virtio-stress', 'virtio-wrap'],
  'leak-on-error': ['virtio-stress', 'virtio-small'],
  'double-complete': ['virtio-stress', 'virtio-small'],
  'event-idx-off-by-one': ['virtio-stress', 'virtio-small'],
  'single-pop-per-irq': ['virtio-stress', 'virtio-small'],
  'spurious-irq-assert': ['virtio-stress', 'virtio-small'],
  'kick-before-driver-ok': ['virtio-stress', 'virtio-small'],
  'ioerr-as-ok': ['virtio-stress', 'fs-read'],
  'sector-units': ['virtio-stress', 'fs-read'],
  'inode-off-by-one': ['fs-read', 'fs-small'],
  // Parents that exit before their children.
  'no-reparent': ['orphans', 'zombie-storm'],
  // A parent with an open file that forks: only fork-wait's tree does.
  'fork-fd-no-incref': ['fork-wait'],
  'ipc-dead-peer-blocks': ['service-crash-loop', 'boot'],
  'intensity-off-by-one': ['service-crash-loop', 'service-hang'],
  'crash-in-starting-stuck': ['service-crash-loop', 'init-small'],
  'dependency-not-ready': ['dependency-slow', 'init-small'],
  'backoff-reset-on-start': ['service-crash-loop', 'service-hang'],
};

/** The scenarios that should catch `mutant`, in order (every mutant of the zoo has some). */
export function zooScenarios(mutant: string): readonly string[] {
  const s = ZOO_SCENARIOS[mutant];
  if (!s) throw new Error(`the zoo names no scenario for mutant "${mutant}"`);
  return s;
}

/** The zoo's mutants, in catalogue order. */
export const ZOO_MUTANTS: readonly string[] = MUTANTS.map((m) => m.name);
