import { checkSelected } from './system.js';
import { makeSystem, type Target } from './operations.js';

/**
 * The checks that watch a target's runs, in catalogue order: those that may end a run (the
 * JUnit test cases), and those `--only` leaves out (they run, but are ignored).
 */
export function targetChecks(t: Target): { checks: string[]; ignored: string[] } {
  const ids = makeSystem(t).families.flatMap((f) => f.checks.map((c) => c.id));
  return { checks: ids.filter((id) => checkSelected(id, t.checks)), ignored: ids.filter((id) => !checkSelected(id, t.checks)) };
}
