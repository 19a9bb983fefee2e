/**
 * Block-request invariants, S-BLK-01…06 (invariants.md "Block requests"; VirtIO 1.2 §5.2.6;
 * kernel.md §2.3).
 *
 * What it verifies: the shape of every request the device fetches, its sector arithmetic against
 * the block the client asked for, the status byte's domain once published, that an OK read returns
 * exactly the disk model's bytes, that errors reach the caller, and that no two requests in flight
 * overlap when one writes.
 *
 * What it does not verify: file-system meaning of the bytes (the file-system checks do), and the
 * contents of a completed OUT (the next IN of that block does, through S-BLK-04).
 */
import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import {
  BLK_HEADER_BYTES,
  BLOCK_BYTES,
  SECTOR_BYTES,
  SECTORS_PER_BLOCK,
  STATUS_SENTINEL,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from '../model/virtio/constants.js';
import { R_OK } from '../model/block/block-port.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';
import { VIRTQUEUE_CHECKS } from './virtqueue-catalogue.js';

export class BlockChecks extends CheckFamilyBase {
  /** For the fingerprint audit: the chain arrays are scratch for one walk, filled before use. */
  static override readonly stateDecl: StateDecl = {
    fixed: ['n'],
    dead: ['chainAddr', 'chainLen', 'chainWritable'],
    // As the fingerprint: a head's extent and type only while a request is in flight on it.
    deadIf: { flightSectors: (b: BlockChecks, i: number) => b.flightSector[i] < 0, flightType: (b: BlockChecks, i: number) => b.flightSector[i] < 0 },
  };

  readonly checks: readonly CheckInfo[] = VIRTQUEUE_CHECKS.filter((c) => c.id.startsWith('S-BLK'));
  private readonly n: number;
  /** Per head: the client whose request it carries (from the allocation probe). */
  private readonly headClient: Int32Array;
  /** Per head: status byte the device wrote for the current request, or −1. */
  private readonly deviceStatus: Int32Array;
  /** Per client: the block and type the client asked for. */
  private readonly clientBlock: Int32Array;
  private readonly clientType: Int32Array;
  /**
   * Per head: the request the device fetched and has not yet completed (used.idx passed its
   * element) — first sector, sector count, type; −1 when none. The ghost's own record of what is in
   * flight, from the fetch and publish probes, never the device's request table.
   */
  private readonly flightSector: Int32Array;
  private readonly flightSectors: Int32Array;
  private readonly flightType: Int32Array;
  /** Scratch for one chain walk. */
  private readonly chainAddr: Int32Array;
  private readonly chainLen: Int32Array;
  private readonly chainWritable: Uint8Array;

  constructor(m: Machine) {
    super(m);
    this.n = m.params.queueSize;
    this.headClient = new Int32Array(this.n);
    this.deviceStatus = new Int32Array(this.n);
    this.clientBlock = new Int32Array(m.requester.slots);
    this.clientType = new Int32Array(m.requester.slots);
    this.flightSector = new Int32Array(this.n);
    this.flightSectors = new Int32Array(this.n);
    this.flightType = new Int32Array(this.n);
    this.chainAddr = new Int32Array(this.n);
    this.chainLen = new Int32Array(this.n);
    this.chainWritable = new Uint8Array(this.n);
  }

  begin(): void {
    this.headClient.fill(-1);
    this.deviceStatus.fill(-1);
    this.clientBlock.fill(0);
    this.clientType.fill(0);
    this.flightSector.fill(-1);
  }


  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  afterStep(): Violation | null {
    return this.readStepProbes(this.handle);
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    let v: Violation | null = null;
    switch (kind) {
      case P.P_REQUEST_START:
        this.clientBlock[a] = b;
        this.clientType[a] = c;
        break;
      case P.P_DRIVER_ALLOC:
        this.headClient[a] = c;
        this.deviceStatus[a] = -1;
        break;
      case P.P_DEVICE_FETCH:
        this.deviceStatus[a] = -1;
        if (a < this.n) this.flightSector[a] = -1;
        v = this.fetched(a);
        break;
      case P.P_DEVICE_RESET:
        // A reset drops every request the device had (§2.4): nothing of them is in flight.
        this.flightSector.fill(-1);
        break;
      case P.P_DEVICE_STATUS:
        this.deviceStatus[a] = b;
        break;
      case P.P_USED_PUBLISH: {
        const id = this.m.mem.usedElemId(a & (this.n - 1));
        if (id < this.n) this.flightSector[id] = -1;
        v = this.statusDomain(a);
        break;
      }
      case P.P_COMPLETE:
        v = this.completed(a, b, c);
        break;
      case P.P_QUEUE_RESET:
        this.deviceStatus.fill(-1);
        break;
      case P.P_POWER_LOSS:
        this.begin();
        break;
    }
    return v;
  }

  /** S-BLK-01, S-BLK-02, S-BLK-06 on the chain the device just fetched. */
  private fetched(head: number): Violation | null {
    const m = this.m;
    const mem = m.mem;
    if (head >= this.n) return null; // S-VQ-03 reports it
    // Collect the chain into scratch arrays (no allocation per request).
    const addrs = this.chainAddr;
    const lens = this.chainLen;
    const writable = this.chainWritable;
    let d = head;
    let count = 0;
    for (let hops = 0; hops < this.n; hops++) {
      const f = mem.descFlags(d);
      addrs[count] = mem.descAddr(d);
      lens[count] = mem.descLen(d);
      writable[count] = (f & VIRTQ_DESC_F_WRITE) !== 0 ? 1 : 0;
      count++;
      if ((f & VIRTQ_DESC_F_NEXT) === 0) break;
      d = mem.descNext(d);
      if (d >= this.n) return null;
    }
    if (lens[0] !== BLK_HEADER_BYTES || writable[0] === 1) return this.fail('S-BLK-01', `head ${head}: the header must be a ${BLK_HEADER_BYTES}-byte device-readable buffer (len ${lens[0]}, ${writable[0] === 1 ? 'writable' : 'readable'})`);
    const hdr = mem.offsetOf(addrs[0], BLK_HEADER_BYTES);
    if (hdr < 0) return this.fail('S-BLK-01', `head ${head}: header address outside guest memory`);
    const type = mem.view.getUint32(hdr, true);
    const reserved = mem.view.getUint32(hdr + 4, true);
    const sectorHigh = mem.view.getUint32(hdr + 12, true);
    const sector = sectorHigh * 4294967296 + mem.view.getUint32(hdr + 8, true);
    if (reserved !== 0) return this.fail('S-BLK-01', `head ${head}: header reserved field is ${reserved}, not 0`);
    if (lens[count - 1] !== 1 || writable[count - 1] === 0) return this.fail('S-BLK-01', `head ${head}: the status must be a 1-byte device-writable buffer`);
    if (type === VIRTIO_BLK_T_FLUSH) {
      if (count !== 2 || sector !== 0) return this.fail('S-BLK-01', `head ${head}: FLUSH must have sector 0 and no data (sector ${sector}, ${count} descriptors)`);
      return null;
    }
    if (type !== VIRTIO_BLK_T_IN && type !== VIRTIO_BLK_T_OUT) return null;
    if (count !== 3) return this.fail('S-BLK-01', `head ${head}: an ${type === VIRTIO_BLK_T_IN ? 'IN' : 'OUT'} request needs header, data and status (${count} descriptors)`);
    if ((writable[1] === 1) !== (type === VIRTIO_BLK_T_IN)) return this.fail('S-BLK-01', `head ${head}: data must be device-${type === VIRTIO_BLK_T_IN ? 'writable for IN' : 'readable for OUT'}`);
    const len = lens[1];
    // In flight from now until used.idx passes its element (recorded before any verdict).
    const end = sector + len / SECTOR_BYTES;
    if (len % SECTOR_BYTES === 0 && len > 0 && sector <= 0x7fffffff) {
      this.flightSector[head] = sector;
      this.flightSectors[head] = len / SECTOR_BYTES;
      this.flightType[head] = type;
    }
    // S-BLK-02: whole sectors, within capacity, sector = block × 8. (Judged apart from S-BLK-06:
    // a request at a wrong sector may also overlap another, and each is its own finding.)
    let range: Violation | null = null;
    // (The capacity is the disk model's, not what the device was configured to report.)
    const capacity = m.disk.sectors;
    const c = this.headClient[head];
    if (len % SECTOR_BYTES !== 0 || len === 0) range = this.fail('S-BLK-02', `head ${head}: data length ${len} is not a positive multiple of ${SECTOR_BYTES}`);
    else if (sector * SECTOR_BYTES + len > capacity * SECTOR_BYTES) range = this.fail('S-BLK-02', `head ${head}: sector ${sector} + ${len} bytes runs past the capacity of ${capacity} sectors`);
    else if (c >= 0 && sector !== this.clientBlock[c] * SECTORS_PER_BLOCK) {
      const block = this.clientBlock[c];
      range = this.fail('S-BLK-02', `head ${head}: client ${c} asked for block ${block}, so sector must be ${block * SECTORS_PER_BLOCK}, but the header says ${sector}`);
    }
    if (range && this.selected(range.check)) return range;
    if (len % SECTOR_BYTES !== 0 || len === 0) return null;
    // S-BLK-06: no overlap with another request in flight when either writes.
    for (let h = 0; h < this.n; h++) {
      const os = this.flightSector[h];
      if (os < 0 || h === head) continue;
      if (this.flightType[h] !== VIRTIO_BLK_T_OUT && type !== VIRTIO_BLK_T_OUT) continue;
      const oe = os + this.flightSectors[h];
      if (os < end && sector < oe) return this.fail('S-BLK-06', `head ${head} (sectors ${sector}..${end - 1}) overlaps head ${h} (sectors ${os}..${oe - 1}) in flight, and one of them writes`);
    }
    return null;
  }

  /** S-BLK-03: when used.idx passes an element, its status byte is 0, 1 or 2. */
  private statusDomain(pos: number): Violation | null {
    const mem = this.m.mem;
    const id = mem.usedElemId(pos & (this.n - 1));
    if (id >= this.n) return null;
    const st = mem.bytes[mem.offsetOf(mem.statusAddr(id), 1)];
    if (st > 2) return this.fail('S-BLK-03', `head ${id} published with status byte 0x${st.toString(16)}${st === STATUS_SENTINEL ? ' (the sentinel: the device never wrote it)' : ''}`);
    return null;
  }

  /** S-BLK-04 and S-BLK-05 when a request is reported to its caller. */
  private completed(c: number, head: number, result: number): Violation | null {
    if (head < 0 || head >= this.n) return null;
    const devStatus = this.deviceStatus[head];
    if (result === R_OK) {
      if (devStatus > VIRTIO_BLK_S_OK) return this.fail('S-BLK-05', `client ${c}'s request (head ${head}) was reported OK but the device returned status ${devStatus === 1 ? 'IOERR' : 'UNSUPP'}`);
      if (this.clientType[c] === VIRTIO_BLK_T_IN) {
        const m = this.m;
        const mem = m.mem;
        const block = this.clientBlock[c];
        const off = mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES);
        if (!m.disk.equalsWords(block * SECTORS_PER_BLOCK, SECTORS_PER_BLOCK, mem.words, off >> 2)) {
          let first = 0;
          while (first < BLOCK_BYTES && mem.bytes[off + first] === m.disk.byteAt(block * BLOCK_BYTES + first)) first++;
          return this.fail('S-BLK-04', `client ${c} read block ${block} (head ${head}) and got bytes that differ from the disk from offset ${first}${devStatus < 0 ? ' (the device never completed this request)' : ''}`);
        }
      }
    }
    return null;
  }

  atEnd(): Violation | null {
    return null;
  }

  fingerprint(h: Hasher64): void {
    for (let i = 0; i < this.n; i++) {
      h.int(this.headClient[i]);
      h.int(this.deviceStatus[i]);
      h.int(this.flightSector[i]);
      if (this.flightSector[i] >= 0) h.int(this.flightSectors[i] * 16 + this.flightType[i]);
    }
    for (let c = 0; c < this.clientBlock.length; c++) {
      h.int(this.clientBlock[c]);
      h.int(this.clientType[c]);
    }
  }
}
