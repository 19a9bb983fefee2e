import test from 'ava';
import fc from 'fast-check';
import { BLK_HEADER_BYTES, BLOCK_BYTES } from '../../../model/virtio/constants.js';
import { GUEST_BASE, RingMemory } from '../../../model/virtio/ring-memory.js';
import { holds } from '../../helpers/system.js';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** [start, end) byte ranges of each area for queue size n, per VirtIO 1.2 §2.7. */
function areas(mem: RingMemory, n: number) {
  return [
    { name: 'descriptor table', start: mem.descOffset, end: mem.descOffset + 16 * n, align: 16 },
    { name: 'available ring', start: mem.availOffset, end: mem.availOffset + 6 + 2 * n, align: 2 },
    { name: 'used ring', start: mem.usedOffset, end: mem.usedOffset + 6 + 8 * n, align: 4 },
    { name: 'request headers', start: mem.headerOffset, end: mem.headerOffset + BLK_HEADER_BYTES * n, align: 16 },
    { name: 'status bytes', start: mem.statusOffset, end: mem.statusOffset + n, align: 1 },
    { name: 'data buffers', start: mem.dataOffset, end: mem.dataOffset + BLOCK_BYTES * n, align: BLOCK_BYTES },
  ];
}

for (const n of SIZES) {
  test(`virtqueue: layout (N=${n}): areas aligned per §2.7, disjoint, in order, inside memory`, (t) => {
    const mem = new RingMemory(n);
    const as = areas(mem, n);
    for (const a of as) t.is(a.start % a.align, 0, `${a.name} at ${a.start} is not ${a.align}-aligned`);
    for (let i = 1; i < as.length; i++) t.true(as[i - 1].end <= as[i].start, `${as[i - 1].name} overlaps ${as[i].name}`);
    t.is(mem.ringBytesEnd, as[2].end, 'ringBytesEnd is the end of the used ring (incl. avail_event)');
    t.is(mem.bytes.length, as[5].end, 'memory ends with the last data buffer');
    t.is(mem.words.length * 4, mem.bytes.length);
  });
}

test('virtqueue: layout (N=8): the exact offsets of the spec layout', (t) => {
  const mem = new RingMemory(8);
  t.is(mem.descOffset, 0);
  t.is(mem.availOffset, 128); // 16 · 8
  t.is(mem.usedOffset, 152); // align(128 + 6 + 16, 4) = 152
  t.is(mem.ringBytesEnd, 152 + 6 + 64);
});

test('virtqueue: layout: descriptor accessors round-trip little-endian', (t) => {
  const mem = new RingMemory(8);
  mem.writeDesc(3, 0x12345678, 0x9abcdef0 >>> 0, 0x0203, 0x0405);
  const off = 16 * 3;
  t.deepEqual([...mem.bytes.subarray(off, off + 16)], [0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0xf0, 0xde, 0xbc, 0x9a, 0x03, 0x02, 0x05, 0x04]);
  t.is(mem.descAddr(3), 0x12345678);
  t.is(mem.descLen(3), 0x9abcdef0);
  t.is(mem.descFlags(3), 0x0203);
  t.is(mem.descNext(3), 0x0405);
  mem.writeDescNext(3, 7);
  t.is(mem.descNext(3), 7);
  t.is(mem.descFlags(3), 0x0203, 'writeDescNext leaves the flags alone');
  // An address with a non-zero high half is not one the model can have made.
  mem.view.setUint32(off + 4, 1, true);
  t.is(mem.descAddr(3), -1);
});

test('virtqueue: layout: avail and used accessors round-trip little-endian at the spec offsets', (t) => {
  const n = 8;
  const mem = new RingMemory(n);
  const u16 = (off: number) => mem.bytes[off] | (mem.bytes[off + 1] << 8);
  const u32 = (off: number) => (mem.bytes[off] | (mem.bytes[off + 1] << 8) | (mem.bytes[off + 2] << 16) | (mem.bytes[off + 3] << 24)) >>> 0;
  mem.setAvailFlags(1);
  mem.setAvailIdx(0xabcd);
  mem.setAvailRing(5, 0x0102);
  mem.setUsedEvent(0x3456);
  mem.setUsedFlags(1);
  mem.setUsedIdx(0xfedc);
  mem.setUsedElemId(6, 0x11223344);
  mem.setUsedElemLen(6, 0x55667788);
  mem.setAvailEvent(0x789a);
  t.is(u16(mem.availOffset), 1);
  t.is(u16(mem.availOffset + 2), 0xabcd);
  t.is(mem.bytes[mem.availOffset + 2], 0xcd, 'low byte first');
  t.is(u16(mem.availOffset + 4 + 2 * 5), 0x0102);
  t.is(u16(mem.availOffset + 4 + 2 * n), 0x3456, 'used_event follows ring[N]');
  t.is(u16(mem.usedOffset), 1);
  t.is(u16(mem.usedOffset + 2), 0xfedc);
  t.is(u32(mem.usedOffset + 4 + 8 * 6), 0x11223344);
  t.is(u32(mem.usedOffset + 8 + 8 * 6), 0x55667788);
  t.is(u16(mem.usedOffset + 4 + 8 * n), 0x789a, 'avail_event follows ring[N]');
  t.is(mem.availFlags(), 1);
  t.is(mem.availIdx(), 0xabcd);
  t.is(mem.availRing(5), 0x0102);
  t.is(mem.usedEvent(), 0x3456);
  t.is(mem.usedFlags(), 1);
  t.is(mem.usedIdx(), 0xfedc);
  t.is(mem.usedElemId(6), 0x11223344);
  t.is(mem.usedElemLen(6), 0x55667788);
  t.is(mem.availEvent(), 0x789a);
});

test('virtqueue: layout: writing every field then reading back gives each value (no field clobbers another)', (t) => {
  const u16 = fc.integer({ min: 0, max: 0xffff });
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  holds(
    t,
    fc.property(fc.constantFrom(1, 2, 4, 8, 16), fc.array(fc.tuple(u32, u32, u16, u16), { minLength: 16, maxLength: 16 }), u16, u16, u16, u16, u16, u16, (n, s, af, ai, ue, uf, ui, ae) => {
      const mem = new RingMemory(n);
      const descs = s.slice(0, n);
      const avail = descs.map((d) => d[2]);
      const used = descs.map((d) => [d[1], d[0]] as const);
      descs.forEach(([addr, len, flags, next], i) => mem.writeDesc(i, addr, len, flags, next));
      avail.forEach((h, i) => mem.setAvailRing(i, h));
      used.forEach(([id, len], i) => {
        mem.setUsedElemId(i, id);
        mem.setUsedElemLen(i, len);
      });
      mem.setAvailFlags(af);
      mem.setAvailIdx(ai);
      mem.setUsedEvent(ue);
      mem.setUsedFlags(uf);
      mem.setUsedIdx(ui);
      mem.setAvailEvent(ae);
      return (
        descs.every(([addr, len, flags, next], i) => mem.descAddr(i) === addr && mem.descLen(i) === len && mem.descFlags(i) === flags && mem.descNext(i) === next) &&
        avail.every((h, i) => mem.availRing(i) === h) &&
        used.every(([id, len], i) => mem.usedElemId(i) === id && mem.usedElemLen(i) === len) &&
        mem.availFlags() === af &&
        mem.availIdx() === ai &&
        mem.usedEvent() === ue &&
        mem.usedFlags() === uf &&
        mem.usedIdx() === ui &&
        mem.availEvent() === ae
      );
    }),
    { numRuns: 200 },
  );
});

test('virtqueue: layout: request buffers map back to their head, rings map to none', (t) => {
  const n = 8;
  const mem = new RingMemory(n);
  for (let h = 0; h < n; h++) {
    t.is(mem.headOfBuffer(mem.headerAddr(h)), h);
    t.is(mem.headOfBuffer(mem.headerAddr(h) + BLK_HEADER_BYTES - 1), h);
    t.is(mem.headOfBuffer(mem.statusAddr(h)), h);
    t.is(mem.headOfBuffer(mem.dataAddr(h)), h);
    t.is(mem.headOfBuffer(mem.dataAddr(h) + BLOCK_BYTES - 1), h);
    t.is(mem.dataAddr(h) % BLOCK_BYTES, 0, 'data buffers are page-aligned guest addresses');
    t.true(mem.isBufferRange(mem.dataAddr(h), BLOCK_BYTES));
    t.is(mem.offsetOf(mem.dataAddr(h), BLOCK_BYTES), mem.dataOffset + BLOCK_BYTES * h);
  }
  t.is(mem.headOfBuffer(GUEST_BASE + mem.availOffset), -1);
  t.is(mem.headOfBuffer(GUEST_BASE + mem.usedOffset + 4), -1);
  t.false(mem.isBufferRange(GUEST_BASE + mem.usedOffset, 8), 'the used ring is not a request buffer');
  t.is(mem.offsetOf(0, 1), -1, 'guest address 0 is never valid');
  t.is(mem.offsetOf(GUEST_BASE + mem.bytes.length - 1, 2), -1, 'a range running past the end');
  t.is(mem.offsetOf(GUEST_BASE + mem.bytes.length - 1, 1), mem.bytes.length - 1);
});

test('virtqueue: layout: clearRings zeroes the rings and keeps the buffers', (t) => {
  const mem = new RingMemory(4);
  mem.bytes.fill(0xaa);
  mem.clearRings();
  t.true(mem.bytes.subarray(0, mem.ringBytesEnd).every((b) => b === 0));
  t.true(mem.bytes.subarray(mem.headerOffset).every((b) => b === 0xaa));
  mem.clearAll();
  t.true(mem.bytes.every((b) => b === 0));
});
