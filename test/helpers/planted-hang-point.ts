/**
 * Where test/helpers/planted-hang.ts plants its infinite loop: a device I/O completion that is
 * the run's event number HANG_STEP and completes at an odd microsecond. Which seeds meet it depends
 * on the run, so a campaign has some seeds that hang and many that do not. No side effects here.
 */
import { E_DEV_IO_DONE } from '../../model/virtio/device.js';

export const HANG_STEP = 66;

/** Would the event `kind` at this point of the run (`sim`: its step count and clock) hang? */
export function plantedHangHere(sim: { readonly steps: number; readonly now: number }, kind: number): boolean {
  return kind === E_DEV_IO_DONE && sim.steps === HANG_STEP && sim.now % 2 === 1;
}
