import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EM_X86_64,
  ELFCLASS64,
  PF_R,
  PF_W,
  PF_X,
  PT_LOAD,
  USER_LIMIT,
  mapSegments,
  parseElf,
  writeElf,
  type LoadedImage,
  type Program,
} from '../../../model/proc/elf.js';

const enc = new TextEncoder();

/** A small valid program: text (R X) at 0x400000, data (R W, with bss) at 0x600000. */
const sample = (): Program => ({
  name: 'init',
  entry: 0x400010,
  segments: [
    { vaddr: 0x400000, data: enc.encode('\x90\x90\x90\x90 text segment bytes'), memSize: 0x100, flags: PF_R | PF_X },
    { vaddr: 0x600123, data: enc.encode('data!'), memSize: 0x2000, flags: PF_R | PF_W },
  ],
});

const parsed = (bytes: Uint8Array): LoadedImage => {
  const r = parseElf(bytes);
  if (!r.ok) throw new Error(`expected a valid ELF: ${r.error}`);
  return r.image;
};

const rejects = (bytes: Uint8Array): string => {
  const r = parseElf(bytes);
  if (r.ok) throw new Error('expected parseElf to reject');
  return r.error;
};

/** Offset of program header i (index 0 is the PT_NOTE writeElf puts first). */
const ph = (i: number) => 64 + 56 * i;
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

// ---------------------------------------------------------------------------------------------
// Round trip

test('writeElf → parseElf round trip keeps entry, segments and name', (t) => {
  const prog = sample();
  const bytes = writeElf(prog);
  const img = parsed(bytes);
  t.is(img.entry, prog.entry);
  t.is(img.name, 'init');
  t.deepEqual(
    img.segments.map(({ vaddr, filesz, memsz, flags }) => ({ vaddr, filesz, memsz, flags })),
    prog.segments.map((s) => ({ vaddr: s.vaddr, filesz: s.data.length, memsz: s.memSize, flags: s.flags })),
  );
  for (const s of img.segments) t.is(s.offset % 4096, s.vaddr % 4096, 'offset ≡ vaddr (mod 4096)');
  // ELF header basics a real loader looks at.
  t.deepEqual(Array.from(bytes.subarray(0, 7)), [0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, 1, 1]);
  t.is(view(bytes).getUint16(18, true), EM_X86_64);
  t.is(view(bytes).getUint16(60, true), 0, 'no section headers');

  const mem = mapSegments(img, bytes);
  t.is(mem.length, 2);
  t.is(mem[1]!.vaddr, 0x600123);
  t.is(mem[1]!.bytes.length, 0x2000);
  t.deepEqual(Array.from(mem[1]!.bytes.subarray(0, 5)), Array.from(enc.encode('data!')));
  t.true(mem[1]!.bytes.subarray(5).every((b) => b === 0), 'bss is zero');
});

test('writeElf output is accepted by readelf', (t) => {
  if (!readelfAvailable()) return t.pass();
  const dir = mkdtempSync('/tmp/elf-test-');
  try {
    const file = join(dir, 'prog');
    const prog = sample();
    writeFileSync(file, writeElf(prog));
    const out = readelfOf(file);
    t.is(out.entry, prog.entry);
    t.deepEqual(
      out.loads.map((l) => [l.vaddr, l.filesz, l.memsz, l.flags]),
      prog.segments.map((s) => [s.vaddr, s.data.length, s.memSize, s.flags]),
    );
    t.regex(execFileSync('readelf', ['-nW', file], { encoding: 'utf8' }), /EclipseOS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** 1–4 segments laid out in increasing address order, never sharing a page. */
const programArb: fc.Arbitrary<Program> = fc
  .record({
    name: fc.string({ maxLength: 40 }),
    base: fc.integer({ min: 0, max: 0x7000_0000 }),
    segs: fc.array(
      fc.record({
        gapPages: fc.integer({ min: 0, max: 16 }),
        inPage: fc.integer({ min: 0, max: 4095 }),
        data: fc.uint8Array({ maxLength: 3000 }),
        bss: fc.integer({ min: 0, max: 20000 }),
        flags: fc.integer({ min: 0, max: 7 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    entryFrac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map(({ name, base, segs, entryFrac }) => {
    let page = base;
    const segments = segs.map((s, i) => {
      const vaddr = (page + s.gapPages) * 4096 + s.inPage;
      const memSize = Math.max(s.data.length + s.bss, i === 0 ? 1 : 0);
      page = Math.floor((vaddr + Math.max(memSize, 1) - 1) / 4096) + 1;
      return { vaddr, data: s.data, memSize, flags: i === 0 ? s.flags | PF_X : s.flags };
    });
    const first = segments[0]!;
    return { name, entry: first.vaddr + Math.floor(entryFrac * first.memSize), segments };
  });

test('property: random programs round-trip through writeElf and parseElf', (t) => {
  fc.assert(
    fc.property(programArb, (prog) => {
      const bytes = writeElf(prog);
      const r = parseElf(bytes);
      if (!r.ok) throw new Error(r.error);
      const img = r.image;
      if (img.entry !== prog.entry || img.name !== prog.name || img.segments.length !== prog.segments.length) return false;
      const mem = mapSegments(img, bytes);
      return prog.segments.every((s, i) => {
        const g = img.segments[i]!;
        const m = mem[i]!;
        return (
          g.vaddr === s.vaddr &&
          g.filesz === s.data.length &&
          g.memsz === s.memSize &&
          g.flags === s.flags &&
          g.offset % 4096 === s.vaddr % 4096 &&
          m.vaddr === s.vaddr &&
          m.bytes.length === s.memSize &&
          m.bytes.subarray(0, s.data.length).every((b, j) => b === s.data[j]) &&
          m.bytes.subarray(s.data.length).every((b) => b === 0)
        );
      });
    }),
    { numRuns: 300 },
  );
  t.pass();
});

// ---------------------------------------------------------------------------------------------
// Agreement with readelf on real binaries

function readelfAvailable(): boolean {
  try {
    execFileSync('readelf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface ReadelfLoad {
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
}

function readelfOf(file: string): { entry: number; loads: ReadelfLoad[] } {
  const out = execFileSync('readelf', ['-lhW', file], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const entryMatch = /Entry point address:\s+(0x[0-9a-f]+)/.exec(out);
  if (!entryMatch) throw new Error(`readelf gave no entry point for ${file}`);
  const loads: ReadelfLoad[] = [];
  const re = /^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x[0-9a-f]+\s*$/gm;
  for (const m of out.matchAll(re)) {
    const f = m[5]!;
    loads.push({
      offset: Number(m[1]),
      vaddr: Number(m[2]),
      filesz: Number(m[3]),
      memsz: Number(m[4]),
      flags: (f.includes('R') ? PF_R : 0) | (f.includes('W') ? PF_W : 0) | (f.includes('E') ? PF_X : 0),
    });
  }
  return { entry: Number(entryMatch[1]), loads };
}

/** First `limit` regular ELF64 x86-64 files in `dir`, sorted by name. */
function realElfFiles(dir: string, limit: number): string[] {
  const found: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return found;
  }
  const head = Buffer.alloc(20);
  for (const name of names) {
    if (found.length >= limit) break;
    const file = join(dir, name);
    try {
      if (!lstatSync(file).isFile()) continue;
      const fd = openSync(file, 'r');
      let n = 0;
      try {
        n = readSync(fd, head, 0, 20, 0);
      } finally {
        closeSync(fd);
      }
      if (n < 20) continue;
      if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) continue;
      if (head[4] !== ELFCLASS64 || head[5] !== 1 || head.readUInt16LE(18) !== EM_X86_64) continue;
      found.push(file);
    } catch {
      // unreadable: not part of the sample
    }
  }
  return found;
}

test('parseElf agrees with readelf on real /usr/bin binaries', (t) => {
  if (!readelfAvailable()) {
    t.log('readelf is not on PATH: skipping the agreement check');
    t.pass();
    return;
  }
  const files = realElfFiles('/usr/bin', 150);
  if (files.length === 0) {
    t.log('no ELF64 x86-64 files in /usr/bin: skipping');
    t.pass();
    return;
  }
  t.log(`comparing ${files.length} binaries (${files[0]} … ${files[files.length - 1]})`);
  let loads = 0;
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const r = parseElf(bytes);
    if (!r.ok) {
      t.fail(`${file}: parseElf rejected a real binary: ${r.error}`);
      continue;
    }
    const want = readelfOf(file);
    t.is(r.image.entry, want.entry, `${file}: entry point`);
    t.deepEqual(
      r.image.segments.map(({ offset, vaddr, filesz, memsz, flags }) => ({ offset, vaddr, filesz, memsz, flags: flags & (PF_R | PF_W | PF_X) })),
      want.loads,
      `${file}: PT_LOAD segments`,
    );
    loads += want.loads.length;
  }
  t.log(`${loads} PT_LOAD segments agreed`);
});

// ---------------------------------------------------------------------------------------------
// Malformed images

type Mutate = (b: Uint8Array, dv: DataView) => Uint8Array | void;

const malformed: Array<[string, Mutate, RegExp]> = [
  ['bad magic', (b) => void (b[1] = 0x46), /e_ident: bad magic 7f 46 4c 46/],
  ['32-bit class', (b) => void (b[4] = 1), /EI_CLASS.*class 1 is not ELFCLASS64/],
  ['big-endian', (b) => void (b[5] = 2), /EI_DATA.*not ELFDATA2LSB/],
  ['ident version 0', (b) => void (b[6] = 0), /EI_VERSION/],
  ['wrong machine (AArch64)', (_b, dv) => dv.setUint16(18, 183, true), /e_machine: machine 183 is not EM_X86_64/],
  ['relocatable type', (_b, dv) => dv.setUint16(16, 1, true), /e_type: type 1/],
  ['e_version 0', (_b, dv) => dv.setUint32(20, 0, true), /e_version: version 0/],
  ['truncated header', (b) => b.slice(0, 40), /40 bytes, shorter than the 64-byte ELF64 header/],
  ['empty file', () => new Uint8Array(0), /0 bytes, shorter than the 64-byte/],
  ['wrong e_phentsize', (_b, dv) => dv.setUint16(54, 32, true), /e_phentsize: program header size 32 is not 56/],
  ['program header table past the end', (_b, dv) => dv.setBigUint64(32, BigInt(dv.byteLength - 60), true), /e_phoff: program header table .* runs past the \d+-byte file/],
  ['program header table offset near 2^64', (_b, dv) => dv.setBigUint64(32, 0xffff_ffff_ffff_ffc0n, true), /e_phoff: program header table \[0xffffffffffffffc0/],
  ['segment file range past the end', (_b, dv) => dv.setBigUint64(ph(1) + 8, BigInt(dv.byteLength - 10), true), /PT_LOAD 1: file range \[0x[0-9a-f]+, 0x[0-9a-f]+\) runs past the \d+-byte file/],
  ['segment offset far past the end', (_b, dv) => dv.setBigUint64(ph(2) + 8, 0x1_0000_0000n, true), /PT_LOAD 2: file range \[0x100000000, 0x100000005\) runs past the \d+-byte file/],
  ['filesz > memsz', (_b, dv) => dv.setBigUint64(ph(1) + 40, 4n, true), /PT_LOAD 1: p_filesz 0x1b exceeds p_memsz 0x4/],
  ['entry outside every segment', (_b, dv) => dv.setBigUint64(24, 0x500000n, true), /e_entry: entry point 0x500000 lies outside every PT_LOAD segment/],
  ['entry in a non-executable segment', (_b, dv) => dv.setBigUint64(24, 0x600200n, true), /e_entry: entry point 0x600200 lies in PT_LOAD 2, which is not executable/],
  ['entry above the user limit', (_b, dv) => dv.setBigUint64(24, 0xffff_8000_0000_0000n, true), /e_entry: entry point 0xffff800000000000 is not below the user limit/],
  ['segment above the user limit', (_b, dv) => dv.setBigUint64(ph(2) + 16, 0xffff_8000_0000_0000n, true), /PT_LOAD 2: memory range \[0xffff800000000000, .*not below the user limit 0x7fffffffffff/],
  ['segment ending just past the user limit', (_b, dv) => dv.setBigUint64(ph(2) + 16, USER_LIMIT - 0x1000n, true), /PT_LOAD 2: memory range \[0x7fffffffefff, 0x800000000fff\) is not below the user limit/],
  ['segment address just above 2^53 (must not round)', (_b, dv) => dv.setBigUint64(ph(2) + 16, (1n << 53n) + 1n, true), /PT_LOAD 2: memory range \[0x20000000000001,/],
  ['overlapping segments', (_b, dv) => dv.setBigUint64(ph(2) + 16, 0x400080n, true), /PT_LOAD 2: memory range \[0x400080, 0x402080\) overlaps PT_LOAD 1 \[0x400000, 0x400100\)/],
  ['segments sharing a page', (_b, dv) => dv.setBigUint64(ph(2) + 16, 0x400f00n, true), /PT_LOAD 2: .*overlaps PT_LOAD 1 .*shares page 0x400000/],
  ['address overflow (vaddr + memsz wraps 2^64)', (_b, dv) => {
    dv.setBigUint64(ph(2) + 16, 0xffff_ffff_ffff_f000n, true);
    dv.setBigUint64(ph(2) + 40, 0x2000n, true);
  }, /PT_LOAD 2: p_vaddr 0xfffffffffffff000 \+ p_memsz 0x2000 overflows 2\^64/],
  ['no PT_LOAD at all', (_b, dv) => {
    dv.setUint32(ph(1), 0, true);
    dv.setUint32(ph(2), 0, true);
  }, /no PT_LOAD segment/],
];

for (const [what, mutate, message] of malformed) {
  test(`rejects a malformed ELF: ${what}`, (t) => {
    const good = writeElf(sample());
    t.true(parseElf(good).ok);
    const copy = good.slice();
    const replaced = mutate(copy, view(copy));
    const error = rejects(replaced ?? copy);
    t.regex(error, message);
    t.false(error.includes('\n'), 'one line');
  });
}

test('mapSegments is all or nothing', (t) => {
  const bytes = writeElf(sample());
  const img = parsed(bytes);
  t.throws(() => mapSegments(img, bytes.slice(0, 100)), { instanceOf: RangeError, message: /runs past/ });
  t.throws(() => mapSegments(img, bytes, 0x1000), { instanceOf: RangeError, message: /exceed the 4096-byte limit/ });
  t.is(mapSegments(img, bytes).length, 2);
});

// ---------------------------------------------------------------------------------------------
// Robustness

test('property: parseElf never throws on 5,000 random mutations of a valid ELF', (t) => {
  const good = writeElf(sample());
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 12 }),
      fc.option(fc.nat({ max: good.length }), { freq: 4 }),
      (edits, cut) => {
        const b = good.slice(0, cut ?? good.length);
        for (const { at, value } of edits) if (at < b.length) b[at] = value;
        let r: ReturnType<typeof parseElf>;
        try {
          r = parseElf(b);
        } catch (e) {
          throw new Error(`parseElf threw: ${String(e)}`);
        }
        if (!r.ok) {
          rejected++;
          return typeof r.error === 'string' && r.error.length > 0 && !r.error.includes('\n') && !r.error.startsWith('internal');
        }
        // Whatever is accepted must respect the rules and map cleanly.
        // Big bss (a mutated memsz) is legal ELF but beyond the model's mapping budget: that is a
        // clean RangeError from mapSegments, raised before it builds anything.
        const total = r.image.segments.reduce((n, s) => n + s.memsz, 0);
        let mem: unknown[] = r.image.segments;
        if (total <= 16 << 20) mem = mapSegments(r.image, b);
        else {
          try {
            mapSegments(r.image, b, 16 << 20);
            return false;
          } catch (e) {
            if (!(e instanceof RangeError) || !/limit/.test(e.message)) return false;
          }
        }
        return (
          r.image.entry < Number(USER_LIMIT) &&
          r.image.segments.every((s) => s.filesz <= s.memsz && s.offset + s.filesz <= b.length && s.vaddr + s.memsz <= Number(USER_LIMIT)) &&
          mem.length === r.image.segments.length
        );
      },
    ),
    { numRuns: 5000 },
  );
  t.log(`${rejected} of 5000 mutations rejected`);
  t.pass();
});

test('property: parseElf never throws on arbitrary bytes with a valid-looking header prefix', (t) => {
  const prefix = writeElf(sample()).slice(0, 24);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, keep) => {
      const b = keep ? new Uint8Array([...prefix, ...tail]) : tail;
      const r = parseElf(b);
      return r.ok || (typeof r.error === 'string' && !r.error.startsWith('internal'));
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

// Sanity that the constant is the documented one and PT_LOAD is what writeElf emits.
test('constants', (t) => {
  t.is(USER_LIMIT, 0x0000_7fff_ffff_ffffn);
  t.is(view(writeElf(sample())).getUint32(ph(1), true), PT_LOAD);
});
