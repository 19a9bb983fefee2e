/**
 * Where test/helpers/planted-hang.ts plants its infinite loop: a device I/O completion that is
 * the run's event number HANG_STEP and completes at an odd microsecond. Which seeds meet it depends
 * on the run, so a campaign has some seeds that hang and many that do not. No side effects here.
 */
import type { VirtioMachine } from '../../model/virtio-machine.js';
import { E_DEV_IO_DONE } from '../../model/events.js';

export const HANG_STEP = 70;

/** Would the event `kind` at this point of the run hang? */
export function plantedHangHere(m: VirtioMachine, kind: number): boolean {
  return kind === E_DEV_IO_DONE && m.sim.steps === HANG_STEP && m.sim.now % 2 === 1;
}
