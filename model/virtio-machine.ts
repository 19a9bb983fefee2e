/**
 * The VirtIO block machine: disk, device, interrupt line, driver and block clients wired together
 * in one place (as TigerBeetle's cluster.zig wires its simulated parts), with the event dispatch.
 * Boot here is the part of kernel.md §1 this slice has: VirtIO initialisation, then the clients.
 *
 * Profiles and mutants are read where they matter inside the parts; this file only composes.
 */
import { label } from '../sim/labels.js';
import type { Chooser } from '../sim/chooser.js';
import type { Hasher64 } from '../sim/hash.js';
import { Simulation, type EventHandler } from '../sim/simulation.js';
import { Disk } from './disk/disk.js';
import { SparseDisk } from './disk/sparse-disk.js';
import { BufferCache } from './fs/buffer-cache.js';
import { KernelFs } from './fs/kernel-fs.js';
import { FS_BLOCK_BYTES, PARTITION_BLOCK_ECLIPSE_B, PARTITION_BLOCK_REFERENCE } from './fs/format.js';
import { FsClients, type FsFileList } from './workload/fs-client.js';
import { P_POWER_LOSS } from './probes.js';
import type { DiskModel } from './disk/disk-model.js';
import {
  E_CLIENT_DONE,
  E_CLIENT_NEXT,
  E_DEV_FETCH,
  E_DEV_IO_DONE,
  E_DEV_LATE_STATUS,
  E_DEV_NOTIFY_CHECK,
  E_DEV_PUBLISH_ELEM,
  E_DEV_PUBLISH_IDX,
  E_DEV_RECHECK,
  E_DRV_DRAIN,
  E_DRV_HANDLER_ACK,
  E_DRV_HANDLER_ISR,
  E_DRV_INIT_STEP,
  E_DRV_NOTIFY,
  E_DRV_POLL_STATUS,
  E_DRV_POLL_TIMER,
  E_DRV_RECHECK,
  E_DRV_SPIN_POLL,
  E_DRV_SUBMIT_STEP,
  E_IRQ_DELIVER,
  E_IRQ_MODERATION,
  E_IRQ_SPURIOUS,
  E_FS_CLIENT_NEXT,
  E_FS_CONTINUE,
  E_FS_RETURN,
  E_POWER_LOSS,
  E_REBOOT,
  E_CPU_STEP,
  E_TIMER_TICK,
  E_IPC_TIMEOUT,
} from './events.js';
import { BOOT_INIT_BAD, BOOT_INIT_MISSING, Processes } from './proc/processes.js';
import { MAX_PROCS, OPEN_FILES } from './proc/abi.js';
import { MAX_FDS as KFS_MAX_FDS } from './fs/kernel-fs.js';
import { Faults } from './faults.js';
import { MutantSet } from './mutants.js';
import type { VirtioParams } from './params.js';
import { Probes } from './probes.js';
import type { Profile } from './profile.js';
import { distance, indexMask } from './virtio/index-math.js';
import { BLOCK_BYTES, SECTOR_BYTES, SECTORS_PER_BLOCK, STATUS_SENTINEL, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTQ_DESC_F_NEXT } from './virtio/constants.js';
import { SLOT_IO, VirtioDevice } from './virtio/device.js';
import { VirtioDriver } from './virtio/driver.js';
import { InterruptLine } from './virtio/interrupt.js';
import { RingMemory } from './virtio/ring-memory.js';
import { BlockClients } from './workload/block-client.js';
import type { BlockRequester } from './block/requester.js';

const L_EVENT_IDX = label('config.event-idx');

export interface MachineConfig {
  profile: Profile;
  mutants: readonly string[];
  params: VirtioParams;
  /** With `params.fs`: the image on the disk and the files the workload uses. */
  fs?: { image: Uint8Array; files: FsFileList };
}

const L_TEAR = label('power.torn-sectors');

export class VirtioMachine implements EventHandler {
  readonly profile: Profile;
  readonly mutants: MutantSet;
  readonly params: VirtioParams;
  readonly indexMask: number;
  readonly sim: Simulation;
  readonly probes = new Probes();
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
  /** Why boot failed (mount refused), or 0. */
  bootFailure = 0;
  private eventIdx = false;

  constructor(config: MachineConfig, chooser: Chooser) {
    this.profile = config.profile;
    this.mutants = new MutantSet(config.mutants);
    this.params = config.params;
    this.indexMask = indexMask(config.params.indexBits);
    this.sim = new Simulation(chooser);
    this.sim.handler = this;
    this.faults = new Faults(this.sim);
    this.mem = new RingMemory(config.params.queueSize);
    this.clients = new BlockClients(this);
    const fs = config.params.fs;
    if (fs && config.fs) {
      // kernel.md §3.2: the partition starts at block 0 (reference) or 131,328 (eclipse-b).
      this.partitionStartBlock = config.profile === 'reference' ? PARTITION_BLOCK_REFERENCE : PARTITION_BLOCK_ECLIPSE_B;
      const imageBlocks = Math.ceil(config.fs.image.length / FS_BLOCK_BYTES);
      this.image = config.fs.image;
      this.disk = new SparseDisk((this.partitionStartBlock + imageBlocks) * SECTORS_PER_BLOCK, config.fs.image, this.partitionStartBlock * FS_BLOCK_BYTES);
      this.bootClient = fs.clients;
      const paths = config.fs.files.paths.map((path) => path.split('/').filter((x) => x !== '').map((x) => new TextEncoder().encode(x)));
      this.cache = new BufferCache(this, fs.cacheBlocks, this.partitionStartBlock, imageBlocks, fs.readRetries, { wake: (c, outcome) => this.kfs!.wake(c, outcome) });
      // kfs clients: the workload's, the kernel's own (boot), then one per process slot.
      const procClients = config.params.proc ? MAX_PROCS : 0;
      this.kfs = new KernelFs(this, this.cache, fs.clients + 1 + procClients, imageBlocks, paths, procClients > 0 ? OPEN_FILES / KFS_MAX_FDS : 0);
      this.fsClients = new FsClients(this, this.kfs, fs, config.fs.files);
      if (config.params.proc) this.procs = new Processes(this, this.kfs, config.params.proc, fs.clients + 1);
      this.requester = this.cache;
    } else {
      this.disk = new Disk(config.params.diskBlocks * SECTORS_PER_BLOCK);
      this.requester = this.clients;
    }
    this.device = new VirtioDevice(this);
    this.irq = new InterruptLine(this);
    this.driver = new VirtioDriver(this);
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
   * at sector granularity — a chosen prefix of its sectors reaches the disk; writes not yet taken
   * by the device are lost; completed writes stay. Then the machine boots again from the same disk.
   */
  powerLoss(): void {
    const dev = this.device;
    for (let s = 0; s < dev.slotState.length; s++) {
      if (dev.slotState[s] !== SLOT_IO || dev.slotType[s] !== VIRTIO_BLK_T_OUT || dev.slotSector[s] < 0) continue;
      const sectors = Math.min(dev.slotDataLen[s] / SECTOR_BYTES, this.disk.sectors - dev.slotSector[s]);
      const torn = this.sim.chooser.choose(L_TEAR, sectors + 1);
      if (torn > 0) this.disk.write(dev.slotSector[s], torn, this.mem.bytes, this.mem.offsetOf(dev.slotDataAddr[s], torn * SECTOR_BYTES));
    }
    this.probe(P_POWER_LOSS, this.fsClients ? this.fsClients.boots : 0, 0, 0);
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
  startWorkload(): void {
    if (this.kfs) this.kfs.mount(this.bootClient);
    else this.clients.start();
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

  /** Records a probe for the checks (see probes.ts). */
  probe(kind: number, a: number, b: number, c: number): void {
    this.probes.add(kind, a, b, c);
  }

  dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case E_DEV_FETCH:
        return this.device.fetch(a);
      case E_DEV_RECHECK:
        return this.device.recheck(a);
      case E_DEV_IO_DONE:
        return this.device.ioDone(a, b);
      case E_DEV_PUBLISH_ELEM:
        return this.device.publishElem(a);
      case E_DEV_PUBLISH_IDX:
        return this.device.publishIdx(a, b);
      case E_DEV_NOTIFY_CHECK:
        return this.device.notifyCheck(a, b);
      case E_DEV_LATE_STATUS:
        return this.device.lateStatus(a, b);
      case E_IRQ_DELIVER:
        return this.irq.deliver();
      case E_IRQ_MODERATION:
        return this.irq.moderation();
      case E_IRQ_SPURIOUS:
        return this.irq.spurious();
      case E_DRV_INIT_STEP:
        return this.driver.initStep(a);
      case E_DRV_SUBMIT_STEP:
        return this.driver.submitStep(a, b);
      case E_DRV_NOTIFY:
        return this.driver.notify(a);
      case E_DRV_HANDLER_ISR:
        return this.driver.handlerIsr();
      case E_DRV_HANDLER_ACK:
        return this.driver.handlerAck(a);
      case E_DRV_DRAIN:
        return this.driver.drain(a);
      case E_DRV_RECHECK:
        return this.driver.recheck(a);
      case E_DRV_POLL_TIMER:
        return this.driver.pollTimer(a, b);
      case E_DRV_SPIN_POLL:
        return this.driver.spinPoll(a, b);
      case E_CLIENT_NEXT:
        return this.clients.next(a);
      case E_CLIENT_DONE:
        return this.requester.done(a, b);
      case E_DRV_POLL_STATUS:
        return this.driver.pollStatus();
      case E_FS_CONTINUE:
        return this.kfs!.resume(a);
      case E_FS_RETURN:
        if (a === this.bootClient) {
          // The kernel's mount at boot (kernel.md §1): on success the clients start; a refused
          // mount is a boot failure with its reason, and the machine stops there.
          if (b < 0) {
            this.bootFailure = b;
            return;
          }
          this.fsClients!.start();
          // kernel.md §1: mount root → load /sbin/init → enqueue init.
          this.procs?.boot();
          return;
        }
        if (this.procs && a >= this.procs.kfsBase) return this.procs.fsReturned(a - this.procs.kfsBase, b);
        return this.fsClients!.returned(a, b);
      case E_FS_CLIENT_NEXT:
        return this.fsClients!.next(a);
      case E_POWER_LOSS:
        return this.powerLoss();
      case E_REBOOT:
        return this.reboot();
      case E_CPU_STEP:
        return this.procs!.cpuStep(a, b);
      case E_TIMER_TICK:
        return this.procs!.tick();
      case E_IPC_TIMEOUT:
        return this.procs!.ipc.timeout(a, b);
      default:
        throw new Error(`unknown event kind ${kind}`);
    }
  }

  /**
   * Everything that can still influence the future, for exhaustive mode. Dead memory is left out
   * (architecture.md "fingerprint only what can still influence the future"): ring slots the
   * device has fetched, used elements the driver has consumed, buffers and descriptors of chains
   * that are not live. Times are taken relative to now.
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
    this.fingerprintRings(h);
  }

  private fingerprintRings(h: Hasher64): void {
    const mem = this.mem;
    const n = this.params.queueSize;
    const mask = this.indexMask;
    const drv = this.driver;
    h.int(mem.availFlags());
    h.int(mem.availIdx());
    h.int(mem.usedEvent());
    h.int(mem.usedFlags());
    h.int(mem.usedIdx());
    h.int(mem.availEvent());
    // Avail slots not yet fetched by the device (and the one a driver may be writing).
    const availIdx = mem.availIdx();
    let k = distance(availIdx, this.device.lastAvail, mask);
    if (k > n) k = n;
    for (let i = 0; i < k; i++) h.int(mem.availRing((this.device.lastAvail + i) & (n - 1)));
    // Used elements published (or being published) and not yet consumed.
    let u = distance(mem.usedIdx(), drv.lastUsed, mask) + this.device.publishing;
    if (u > n) u = n;
    for (let i = 0; i < u; i++) {
      const slot = (drv.lastUsed + i) & (n - 1);
      h.int(mem.usedElemId(slot));
      h.int(mem.usedElemLen(slot));
    }
    // The free list's order decides which heads future requests get.
    let d = drv.freeHead;
    for (let i = 0; i < drv.numFree && i < n; i++) {
      h.int(d);
      d = mem.descNext(d);
    }
    // Live chains: descriptors and buffers.
    for (let head = 0; head < n; head++) {
      if (drv.headClient[head] < 0 && !this.deviceHolds(head)) continue;
      h.int(head);
      let x = head;
      for (let j = 0; j < 3; j++) {
        h.int(mem.descAddr(x));
        h.int(mem.descLen(x));
        const flags = mem.descFlags(x);
        h.int(flags);
        if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
        x = mem.descNext(x);
        if (x >= n) break;
      }
      h.bytes(mem.bytes, mem.offsetOf(mem.headerAddr(head), 16), 16);
      h.int(mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)]);
      // Dead value: an IN buffer's old contents are never read before the device overwrites
      // them, so it is hashed only once the device has written it (or for OUT, always).
      if (this.dataBufferLive(head)) h.words(mem.words, mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES) >> 2, BLOCK_BYTES >> 2);
    }
  }

  /**
   * Whether a chain's data buffer can still influence the future: OUT data (the device will read
   * it), or IN data once the device's I/O for it has finished (the driver and checks will read it).
   */
  private dataBufferLive(head: number): boolean {
    const mem = this.mem;
    const hdr = mem.offsetOf(mem.headerAddr(head), 16);
    if (mem.view.getUint32(hdr, true) !== VIRTIO_BLK_T_IN) return true;
    const dev = this.device;
    for (let s = 0; s < dev.slotHead.length; s++) {
      if (dev.isSlotBusy(s) && dev.slotHead[s] === head) return dev.slotState[s] !== SLOT_IO;
    }
    // Not held by the device: either not yet fetched (dead) or completed and awaiting the driver.
    return this.driver.headClient[head] >= 0 && mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)] !== STATUS_SENTINEL;
  }

  private deviceHolds(head: number): boolean {
    const dev = this.device;
    for (let s = 0; s < dev.slotHead.length; s++) if (dev.isSlotBusy(s) && dev.slotHead[s] === head) return true;
    return false;
  }

  /** Nothing left to do: clients finished, nothing in flight. */
  quiescent(): boolean {
    return this.sim.queue.size === 0;
  }
}
