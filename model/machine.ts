/**
 * The machine: every part of the Eclipse OS model built and wired together in one place, as
 * TigerBeetle's cluster.zig wires its simulated parts. Boot follows kernel.md §1: VirtIO
 * initialisation, then either the block workload or the root mount, the file-system clients and
 * /sbin/init with its services.
 *
 * Each part gets the narrow context (model/context.ts) and a port for each neighbour it talks to;
 * no part imports this file. Each part owns its events (sim/event-table.ts); this file registers
 * the tables. Profiles and mutants are read where they matter inside the parts.
 */
import { label } from '../sim/labels.js';
import type { Chooser } from '../sim/chooser.js';
import type { Hasher64 } from '../sim/hash.js';
import { EventRegistry } from '../sim/event-table.js';
import { Simulation } from '../sim/simulation.js';
import type { BlockRequester } from './block/block-port.js';
import type { ModelContext } from './context.js';
import { Disk } from './disk/disk.js';
import type { DiskModel } from './disk/disk-model.js';
import { SparseDisk } from './disk/sparse-disk.js';
import { Coverage } from './coverage.js';
import { coverFault, coverPowerLoss } from './coverage-sites.js';
import { Faults } from './faults.js';
import { BufferCache } from './fs/buffer-cache.js';
import { FS_BLOCK_BYTES, PARTITION_BLOCK_ECLIPSE_B, PARTITION_BLOCK_REFERENCE } from './fs/format.js';
import { KERNEL_FS_EVENTS, KernelFs } from './fs/kernel-fs.js';
import type { FsCallSink } from './fs/kernel-fs-state.js';
import { IPC_EVENTS } from './ipc/ipc.js';
import { MutantSet } from './mutants.js';
import type { MachineParams } from './params.js';
import { E_REBOOT, POWER_EVENTS, type PowerControl } from './power.js';
import { MAX_FDS, MAX_PROCS, OPEN_FILES } from './proc/abi.js';
import { PROCESS_EVENTS, Processes, TIMER_EVENTS } from './proc/processes.js';
import { BOOT_INIT_BAD, BOOT_INIT_MISSING } from './proc/exec.js';
import { P_POWER_LOSS, Probes } from './probes.js';
import type { Profile } from './profile.js';
import { SECTORS_PER_BLOCK } from './virtio/constants.js';
import { DEVICE_EVENTS, VirtioDevice } from './virtio/device.js';
import { BLOCK_DONE_EVENTS, DRIVER_EVENTS, VirtioDriver } from './virtio/driver.js';
import { indexMask } from './virtio/index-math.js';
import { E_IRQ_MODERATION, INTERRUPT_EVENTS, InterruptLine } from './virtio/interrupt.js';
import { E_DRV_POLL_TIMER, E_DRV_SPIN_POLL } from './virtio/driver-state.js';
import { fingerprintRings, ringDeadRanges } from './virtio/ring-fingerprint.js';
import { RingMemory } from './virtio/ring-memory.js';
import { tearInFlightWrites } from './virtio/torn-write.js';
import { BLOCK_CLIENT_EVENTS, BlockClients } from './workload/block-client.js';
import { FS_CLIENT_EVENTS, FsClients, type FsFileList } from './workload/fs-client.js';
import type { StateDecl } from '../sim/state-walk.js';

const L_EVENT_IDX = label('config.event-idx');

/**
 * orders=all (MachineParams.orders): the events that are timeouts — they fire at their deadline
 * and only when no pending step is due before it. Every other event is a step that may go next
 * whatever its time: a latency, think time, delivery delay or handler step is when it is due at
 * the latest. The polling fallback's timer, eclipse-b's spin slices (each reads the clock for its
 * budget) and the interrupt moderation timer are the VirtIO model's timeouts; the scheduler tick
 * and IPC timeouts belong to the process model, which orders=all does not take.
 */
const TIMEOUT_KINDS = (() => {
  const t = new Uint8Array(256);
  for (const k of [E_DRV_POLL_TIMER, E_DRV_SPIN_POLL, E_IRQ_MODERATION]) t[k] = 1;
  return t;
})();

export interface MachineConfig {
  profile: Profile;
  mutants: readonly string[];
  params: MachineParams;
  /** With `params.fs`: the image on the disk and the files the workload uses. */
  fs?: { image: Uint8Array; files: FsFileList };
}

export class Machine implements PowerControl, FsCallSink {
  /** Configuration and wiring; the probe sink is emptied at every step (observation only). */
  static readonly stateDecl: StateDecl = {
    fixed: ['profile', 'mutants', 'params', 'indexMask', 'events', 'image', 'partitionStartBlock', 'bootClient'],
    observed: ['probes'],
  };

  readonly profile: Profile;
  readonly mutants: MutantSet;
  readonly params: MachineParams;
  readonly indexMask: number;
  readonly sim: Simulation;
  readonly events = new EventRegistry();
  readonly probes = new Probes();
  /** Coverage probe counters: observation only, not model state (not fingerprinted; model/coverage.ts). */
  readonly coverage = new Coverage();
  readonly faults: Faults;
  readonly mem: RingMemory;
  readonly disk: DiskModel;
  readonly device: VirtioDevice;
  readonly irq: InterruptLine;
  readonly driver: VirtioDriver;
  readonly clients: BlockClients;
  /** Who submits block requests: the block workload, or the file system's buffer cache. */
  readonly requester: BlockRequester;
  /** The file-system stack, when the scenario has one. */
  readonly cache: BufferCache | null = null;
  readonly kfs: KernelFs | null = null;
  readonly fsClients: FsClients | null = null;
  /** Processes, when the scenario boots init (params.proc). */
  readonly procs: Processes | null = null;
  /** The image and where the partition starts (blocks). */
  readonly image: Uint8Array | null = null;
  readonly partitionStartBlock: number = 0;
  /** The kernel's own fs client slot (mount at boot). */
  readonly bootClient: number = -1;
  /** Why boot failed (mount refused, init missing or bad), or 0. */
  bootFailure = 0;
  private eventIdx = false;

  constructor(config: MachineConfig, chooser: Chooser) {
    this.profile = config.profile;
    this.mutants = new MutantSet(config.mutants);
    this.params = config.params;
    this.indexMask = indexMask(config.params.indexBits);
    this.sim = new Simulation(chooser);
    this.sim.handler = this.events;
    if (config.params.orders === 'all') this.sim.queue.allOrders(TIMEOUT_KINDS, config.params.orderDelays);
    this.faults = new Faults(this.sim);
    const ctx: ModelContext = { engine: this.sim, probes: this.probes, coverage: this.coverage, faults: this.faults, profile: this.profile, mutants: this.mutants };
    const p = config.params;
    this.mem = new RingMemory(p.queueSize);
    this.clients = new BlockClients(ctx, p);
    const fs = p.fs;
    let cache: BufferCache | null = null;
    if (fs && config.fs) {
      // kernel.md §3.2: the partition starts at block 0 (reference) or 131,328 (eclipse-b).
      this.partitionStartBlock = config.profile === 'reference' ? PARTITION_BLOCK_REFERENCE : PARTITION_BLOCK_ECLIPSE_B;
      const imageBlocks = Math.ceil(config.fs.image.length / FS_BLOCK_BYTES);
      this.image = config.fs.image;
      this.disk = new SparseDisk((this.partitionStartBlock + imageBlocks) * SECTORS_PER_BLOCK, config.fs.image, this.partitionStartBlock * FS_BLOCK_BYTES);
      this.bootClient = fs.clients;
      const paths = config.fs.files.paths.map((path) => path.split('/').filter((x) => x !== '').map((x) => new TextEncoder().encode(x)));
      cache = new BufferCache(ctx, fs.cacheBlocks, this.partitionStartBlock, imageBlocks, fs.readRetries, { wake: (c, outcome) => kfs.wake(c, outcome) });
      // kfs clients: the workload's, the kernel's own (boot), then one per process slot.
      const procClients = p.proc ? MAX_PROCS : 0;
      const kfs = new KernelFs(ctx, cache, fs.clients + 1 + procClients, imageBlocks, paths, procClients > 0 ? OPEN_FILES / MAX_FDS : 0);
      kfs.connect(this);
      const fsClients = new FsClients(ctx, kfs, fs, config.fs.files);
      this.cache = cache;
      this.kfs = kfs;
      this.fsClients = fsClients;
      if (p.proc) this.procs = new Processes(ctx, kfs, p.proc, fs.clients + 1, fsClients, (failure) => (this.bootFailure = failure));
      this.requester = cache;
    } else {
      this.disk = new Disk(p.diskBlocks * SECTORS_PER_BLOCK);
      this.requester = this.clients;
    }
    this.irq = new InterruptLine(ctx, p);
    this.device = new VirtioDevice(ctx, p, this.mem, this.disk, this.irq);
    this.driver = new VirtioDriver(ctx, p, this.mem, this.device, this.requester, () => this.startWorkload());
    this.irq.connect(this.driver);
    this.mem.deadBytes = () => ringDeadRanges(this.mem, this.device, this.driver, p.queueSize, this.indexMask);
    this.clients.connect(this.driver);
    cache?.connect(this.driver);
    this.faults.onStrike = (kind) => coverFault(this.coverage, kind, this.driver);
    this.registerEvents();
  }

  /** Every part's event table (sim/event-table.ts): a kind registered twice fails here. */
  private registerEvents(): void {
    const ev = this.events;
    ev.register(this.device, DEVICE_EVENTS);
    ev.register(this.irq, INTERRUPT_EVENTS);
    ev.register(this.driver, DRIVER_EVENTS);
    ev.register(this.driver, BLOCK_DONE_EVENTS);
    ev.register(this.clients, BLOCK_CLIENT_EVENTS);
    ev.register<PowerControl>(this, POWER_EVENTS);
    if (this.kfs) ev.register(this.kfs, KERNEL_FS_EVENTS);
    if (this.fsClients) ev.register(this.fsClients, FS_CLIENT_EVENTS);
    if (this.procs) {
      ev.register(this.procs, PROCESS_EVENTS);
      ev.register(this.procs, TIMER_EVENTS);
      ev.register(this.procs.ipc, IPC_EVENTS);
    }
    ev.seal();
  }

  /** Power on: a fresh run answering choices from `chooser`. */
  begin(chooser: Chooser, keepTrace: number): void {
    this.sim.reset(chooser, keepTrace);
    this.probes.clear();
    this.mem.clearAll();
    this.disk.reset();
    const p = this.params;
    const reference = this.profile === 'reference';
    // EVENT_IDX is a reference feature; 'either' lets each run choose.
    const eventIdx = reference && (p.eventIdx === 'on' || (p.eventIdx === 'either' && chooser.choose(L_EVENT_IDX, 2) === 1));
    this.faults.begin(p.faults, p.faultBudget, p.swarm);
    this.eventIdx = eventIdx;
    this.bootFailure = 0;
    this.device.begin();
    this.irq.begin(reference);
    this.clients.begin();
    if (this.cache) {
      this.cache.begin(!reference);
      this.kfs!.begin();
      this.fsClients!.begin();
      this.procs?.begin();
    }
    this.driver.begin(eventIdx);
  }

  /**
   * E_POWER_LOSS (kernel.md §3.1): the machine stops. A write the device is carrying out is torn
   * (virtio/torn-write.ts); writes not yet taken by the device are lost; completed writes stay.
   * Then the machine boots again from the same disk.
   */
  powerLoss(): void {
    coverPowerLoss(this.coverage, this.driver, this.device);
    tearInFlightWrites(this.sim, this.device, this.mem, this.disk, this.coverage);
    this.probes.add(P_POWER_LOSS, this.fsClients ? this.fsClients.boots : 0, 0, 0);
    this.sim.queue.clear();
    this.sim.after(1, E_REBOOT, 0, 0);
  }

  /** E_REBOOT: every part but the disk starts over. */
  reboot(): void {
    const reference = this.profile === 'reference';
    this.mem.clearAll();
    this.bootFailure = 0;
    this.device.begin();
    this.irq.begin(reference);
    if (this.cache) {
      this.cache.begin(!reference);
      this.kfs!.begin();
      this.fsClients!.boots++;
      this.fsClients!.reboot();
      this.procs?.begin();
    }
    this.driver.begin(this.eventIdx);
  }

  /** The driver is up (first DRIVER_OK): the workload starts. */
  private startWorkload(): void {
    if (this.kfs) this.kfs.mount(this.bootClient);
    else this.clients.start();
  }

  /** E_FS_RETURN: a file-system call returned; its client is the kernel's mount, a process or a workload client. */
  returned(client: number, result: number): void {
    if (client === this.bootClient) {
      // The kernel's mount at boot (kernel.md §1): on success the clients start; a refused
      // mount is a boot failure with its reason, and the machine stops there.
      if (result < 0) {
        this.bootFailure = result;
        return;
      }
      this.fsClients!.start();
      // kernel.md §1: mount root → load /sbin/init → enqueue init.
      this.procs?.boot();
      return;
    }
    if (this.procs && client >= this.procs.kfsBase) return this.procs.fsReturned(client - this.procs.kfsBase, result);
    this.fsClients!.returned(client, result);
  }

  /** Why the machine did not boot, in words, or null (kernel.md §1: a clear reason, not a hang). */
  bootFailureReason(): string | null {
    const f = this.bootFailure;
    if (f === 0) return null;
    if (f === BOOT_INIT_MISSING) return 'no /sbin/init on the root file system';
    if (f === BOOT_INIT_BAD) return '/sbin/init could not be loaded (not an executable this kernel runs, or out of memory)';
    const why = ['', 'bad magic', 'unsupported version', 'bad geometry', 'I/O error'][this.kfs?.mountRefusal ?? 0] || `error ${f}`;
    return `the root file system could not be mounted (${why})`;
  }

  /**
   * Everything that can still influence the future, for exhaustive mode. Dead memory is left out
   * (virtio/ring-fingerprint.ts). Times are taken relative to now.
   */
  fingerprint(h: Hasher64): void {
    const now = this.sim.now;
    this.sim.queue.fingerprint(h, now);
    this.faults.fingerprint(h, now);
    this.device.fingerprint(h);
    this.irq.fingerprint(h);
    this.driver.fingerprint(h, now);
    this.clients.fingerprint(h);
    if (this.cache) {
      this.cache.fingerprint(h);
      this.kfs!.fingerprint(h);
      this.fsClients!.fingerprint(h);
      this.procs?.fingerprint(h, now);
    }
    h.int(this.bootFailure);
    this.disk.fingerprint(h);
    fingerprintRings(h, this.mem, this.device, this.driver, this.params.queueSize, this.indexMask);
  }

  /** Nothing left to do: clients finished, nothing in flight. */
  quiescent(): boolean {
    return this.sim.queue.size === 0;
  }
}
