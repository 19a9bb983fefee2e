/**
 * Power (kernel.md §3.1): power fails, and the machine boots again from the same disk. The machine
 * carries both out (model/machine.ts); parts that decide when power fails schedule E_POWER_LOSS.
 */
import { eventTable } from '../sim/event-table.js';

// Power's events (kinds are machine-wide; see sim/event-table.ts).
export const E_POWER_LOSS = 26;
export const E_REBOOT = 27;

/** What carries out a power loss and the reboot after it. */
export interface PowerControl {
  powerLoss(): void;
  reboot(): void;
}

/** Where power may fail (a file-system call starting, a timer tick): decides and schedules it. */
export interface PowerLossSite {
  maybeLosePower(): void;
}

export const POWER_EVENTS = eventTable<PowerControl>('power', [
  [E_POWER_LOSS, 'power.loss', (p) => p.powerLoss()],
  [E_REBOOT, 'power.reboot', (p) => p.reboot()],
]);
