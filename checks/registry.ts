import type { Machine } from '../model/machine.js';
import { BlockChecks } from './block.js';
import type { CheckFamily, CheckInfo } from './check.js';
import { VirtqueueChecks } from './virtqueue.js';
import { VirtqueueProgressChecks } from './virtqueue-progress.js';
import { VIRTQUEUE_CHECKS } from './virtqueue-catalogue.js';
import { FsChecks, FS_CHECKS } from './fs.js';
import { ProcChecks, PROC_CHECKS } from './proc.js';
import { IpcChecks, IPC_CHECKS } from './ipc.js';
import { ServiceChecks, SERVICE_CHECKS } from './services.js';

/** Every check this build implements, by stable id. */
export const ALL_CHECKS: readonly CheckInfo[] = [...VIRTQUEUE_CHECKS, ...FS_CHECKS, ...PROC_CHECKS, ...IPC_CHECKS, ...SERVICE_CHECKS];

export function checkInfo(id: string): CheckInfo | undefined {
  return ALL_CHECKS.find((c) => c.id === id);
}

/** The check families that watch a VirtIO block machine, safety first. */
export function checkFamilies(m: Machine): CheckFamily[] {
  const families: CheckFamily[] = [new VirtqueueChecks(m), new BlockChecks(m), new VirtqueueProgressChecks(m)];
  if (m.kfs) families.push(new FsChecks(m));
  if (m.procs) families.push(new ProcChecks(m), new IpcChecks(m));
  if (m.params.proc?.services) families.push(new ServiceChecks(m));
  return families;
}
