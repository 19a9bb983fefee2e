/**
 * init's service table (kernel.md §6): the one way to read it, used by the service checks, the
 * trace annotations and the tests. Both inits — the reference service manager and eclipse-b's
 * init v0.2.0 — keep it in their program state under the keys `K` (service-manager.ts): a state
 * (SV_*) and a PID per service.
 */
import { PS_FREE } from '../proc/abi.js';
import type { ProcessTable } from '../proc/process-table.js';
import { programIndex } from '../proc/programs/registry.js';
import { K } from './service-manager.js';

/** The program indices of the two service managers. */
const MANAGERS = [programIndex('svcinit'), programIndex('init-v0.2.0')];

/** init's table when slot 1 holds PID 1 running one of the service managers, else null. */
export function serviceTable(t: ProcessTable): Record<string, number> | null {
  if (t.state[1] === PS_FREE || t.pid[1] !== 1) return null;
  const prog = t.program[1];
  if (prog < 0 || (prog !== MANAGERS[0] && prog !== MANAGERS[1])) return null;
  return t.progState[1];
}

/** Service i's state in `table` (SV_*); undefined at run time if this init does not track service i. */
export function serviceState(table: Record<string, number>, i: number): number {
  return table[K.st[i]];
}

/** The PID `table` records for service i (0 when none). */
export function servicePid(table: Record<string, number>, i: number): number {
  return table[K.pid[i]];
}
