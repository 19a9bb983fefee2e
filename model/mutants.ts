/**
 * Planted bugs (bug-zoo.md). Each is one named switch read at one code site of the model. The
 * `catchers` are the checks the zoo says must catch it.
 */
export interface MutantInfo {
  name: string;
  subsystem: string;
  description: string;
  catchers: string[];
}

export const MUTANTS: readonly MutantInfo[] = [
  { name: 'publish-before-fill', subsystem: 'virtqueue driver', description: 'bumps avail.idx before the descriptors / ring slot are written', catchers: ['S-VQ-07', 'S-VQ-03', 'S-BLK-04'] },
  { name: 'idx-before-status', subsystem: 'virtqueue device', description: 'bumps used.idx (and interrupts) before writing status and len', catchers: ['S-VQ-11', 'S-BLK-03'] },
  { name: 'wrap-compare', subsystem: 'virtqueue driver', description: 'while (last_used < used.idx) instead of != (no wrap)', catchers: ['L-VQ-08', 'L-VQ-02', 'S-VQ-06'] },
  { name: 'modulo-index', subsystem: 'virtqueue driver', description: 'stores avail.idx as (idx + 1) mod N', catchers: ['S-VQ-05', 'S-VQ-06', 'L-VQ-01'] },
  { name: 'leak-on-error', subsystem: 'block driver', description: 'the IOERR/UNSUPP path returns without freeing the chain', catchers: ['S-VQ-02', 'L-VQ-04'] },
  { name: 'double-complete', subsystem: 'block driver', description: 'the error path skips last_used += 1', catchers: ['S-VQ-14', 'S-VQ-08', 'S-VQ-09'] },
  { name: 'event-idx-off-by-one', subsystem: 'virtqueue driver', description: 'writes used_event = last_used + 1', catchers: ['S-VQ-16', 'L-VQ-02'] },
  { name: 'single-pop-per-irq', subsystem: 'interrupt handler', description: 'handles one used element per interrupt (if instead of while)', catchers: ['L-VQ-02'] },
  { name: 'spurious-irq-assert', subsystem: 'interrupt handler', description: 'treats an interrupt with an empty used ring as an error', catchers: ['S-VQ-23'] },
  { name: 'kick-before-driver-ok', subsystem: 'device recovery', description: 'after a device reset, resubmits and notifies before setting DRIVER_OK', catchers: ['S-VQ-18', 'L-VQ-03'] },
  { name: 'ioerr-as-ok', subsystem: 'block driver', description: 'ignores the status byte (treats IOERR/UNSUPP as OK)', catchers: ['S-BLK-05', 'S-FS-03'] },
  { name: 'sector-units', subsystem: 'block driver', description: 'sector = block instead of block × 8', catchers: ['S-BLK-02', 'S-BLK-04'] },
  { name: 'inode-off-by-one', subsystem: 'file system', description: 'locates inode n at table entry n instead of n − 1', catchers: ['S-FS-03'] },
  { name: 'no-reparent', subsystem: 'processes', description: "exit leaves its children's parent pointing at the dead PID", catchers: ['S-PM-02', 'L-PM-02'] },
  { name: 'fork-fd-no-incref', subsystem: 'processes', description: 'fork copies the fd table without counting references', catchers: ['S-PM-06', 'S-PM-07'] },
  { name: 'ipc-dead-peer-blocks', subsystem: 'IPC', description: 'a receiver waiting on a peer that dies is never failed', catchers: ['S-IPC-03', 'L-IPC-01'] },
  { name: 'intensity-off-by-one', subsystem: 'service manager', description: 'declares Failed at restarts >= MaxR instead of > MaxR', catchers: ['S-SM-04'] },
  { name: 'crash-in-starting-stuck', subsystem: 'service manager', description: 'exit handling only looks at Running services', catchers: ['L-SM-01', 'S-SM-03'] },
  { name: 'dependency-not-ready', subsystem: 'service manager', description: 'starts a dependent when its dependency is only Starting', catchers: ['S-SM-06'] },
  { name: 'backoff-reset-on-start', subsystem: 'service manager', description: 'resets the failure count on entering Running instead of after the stable period', catchers: ['S-SM-05', 'S-SM-04'] },
];

export function mutantInfo(name: string): MutantInfo | undefined {
  return MUTANTS.find((m) => m.name === name);
}

/** The switches, as booleans read at their code sites (a field read, not a string compare). */
export class MutantSet {
  readonly publishBeforeFill: boolean;
  readonly idxBeforeStatus: boolean;
  readonly wrapCompare: boolean;
  readonly moduloIndex: boolean;
  readonly leakOnError: boolean;
  readonly doubleComplete: boolean;
  readonly eventIdxOffByOne: boolean;
  readonly singlePopPerIrq: boolean;
  readonly spuriousIrqAssert: boolean;
  readonly kickBeforeDriverOk: boolean;
  readonly ioerrAsOk: boolean;
  readonly sectorUnits: boolean;
  readonly inodeOffByOne: boolean;
  readonly noReparent: boolean;
  readonly forkFdNoIncref: boolean;
  readonly ipcDeadPeerBlocks: boolean;
  readonly intensityOffByOne: boolean;
  readonly crashInStartingStuck: boolean;
  readonly dependencyNotReady: boolean;
  readonly backoffResetOnStart: boolean;

  constructor(readonly names: readonly string[]) {
    const on = (n: string) => names.includes(n);
    this.publishBeforeFill = on('publish-before-fill');
    this.idxBeforeStatus = on('idx-before-status');
    this.wrapCompare = on('wrap-compare');
    this.moduloIndex = on('modulo-index');
    this.leakOnError = on('leak-on-error');
    this.doubleComplete = on('double-complete');
    this.eventIdxOffByOne = on('event-idx-off-by-one');
    this.singlePopPerIrq = on('single-pop-per-irq');
    this.spuriousIrqAssert = on('spurious-irq-assert');
    this.kickBeforeDriverOk = on('kick-before-driver-ok');
    this.ioerrAsOk = on('ioerr-as-ok');
    this.sectorUnits = on('sector-units');
    this.inodeOffByOne = on('inode-off-by-one');
    this.noReparent = on('no-reparent');
    this.forkFdNoIncref = on('fork-fd-no-incref');
    this.ipcDeadPeerBlocks = on('ipc-dead-peer-blocks');
    this.intensityOffByOne = on('intensity-off-by-one');
    this.crashInStartingStuck = on('crash-in-starting-stuck');
    this.dependencyNotReady = on('dependency-not-ready');
    this.backoffResetOnStart = on('backoff-reset-on-start');
  }
}
