/**
 * ELF64 (System V gABI, x86-64 psABI) writer, validating parser and segment mapper for the exec
 * model of kernel.md §4.2: the image must be ELF64, little-endian, x86-64, ET_EXEC or ET_DYN, and the
 * entry point and every PT_LOAD segment must lie below USER_LIMIT. exec is all or nothing, so
 * `parseElf` validates everything before `mapSegments` builds any memory.
 *
 * 64-bit fields are read as two u32 halves into a BigInt, so values above 2^53 are seen exactly and
 * rejected rather than rounded. Every value a successful parse returns is ≤ USER_LIMIT (< 2^47) or
 * bounded by the file size, hence exact as a JavaScript number.
 *
 * Overlap rule (chosen): two PT_LOAD segments may not share a 4096-byte page of memory, because a
 * page carries one set of permissions; segments with memsz 0 occupy no memory and are ignored.
 */

export const ELF_MAGIC: readonly number[] = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const EM_X86_64 = 62;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const PAGE_SIZE = 4096;
/** kernel.md §4.2: the entry point and every PT_LOAD segment lie below this address. */
export const USER_LIMIT = 0x0000_7fff_ffff_ffffn;
/** Owner name and type of the note that carries the program's name. */
export const NOTE_OWNER = 'EclipseOS';
export const NT_ECLIPSE_NAME = 1;

const U64_LIMIT = 1n << 64n;
const PAGE = BigInt(PAGE_SIZE);

export interface ProgramSegment {
  vaddr: number;
  data: Uint8Array;
  memSize: number;
  flags: number;
}

export interface Program {
  name: string;
  entry: number;
  segments: ProgramSegment[];
}

export interface LoadedSegment {
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
}

export interface LoadedImage {
  entry: number;
  segments: LoadedSegment[];
  /** The program name from the EclipseOS note, or null when there is none. */
  name: string | null;
}

export type ParseResult = { ok: true; image: LoadedImage } | { ok: false; error: string };

export interface MappedSegment {
  vaddr: number;
  bytes: Uint8Array;
}

const hex = (v: bigint | number): string => '0x' + v.toString(16);

// ---------------------------------------------------------------------------------------------
// Writer

function checkU64(what: string, v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`writeElf: ${what} ${v} is not a non-negative safe integer`);
  return BigInt(v);
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Builds a real ELF64 little-endian x86-64 ET_EXEC file: file header, one PT_NOTE (owner
 * "EclipseOS", type 1, descriptor = the UTF-8 name) followed by one PT_LOAD per segment, the note,
 * then each segment's bytes at a file offset congruent to its vaddr modulo 4096. No section headers.
 * Throws RangeError on input that cannot be encoded (negative or non-integer numbers, memSize
 * smaller than the data).
 */
export function writeElf(program: Program): Uint8Array {
  const entry = checkU64('entry', program.entry);
  program.segments.forEach((s, i) => {
    checkU64(`segment ${i} vaddr`, s.vaddr);
    checkU64(`segment ${i} memSize`, s.memSize);
    if (s.memSize < s.data.length) throw new RangeError(`writeElf: segment ${i} memSize ${s.memSize} < data length ${s.data.length}`);
    if (!Number.isInteger(s.flags) || s.flags < 0 || s.flags > 0xffff_ffff) throw new RangeError(`writeElf: segment ${i} flags ${s.flags} invalid`);
  });
  const phnum = program.segments.length + 1;
  if (phnum > 0xffff) throw new RangeError('writeElf: too many segments');

  const owner = new TextEncoder().encode(NOTE_OWNER + '\0');
  const desc = new TextEncoder().encode(program.name);
  const noteOffset = EHDR_SIZE + phnum * PHDR_SIZE;
  const noteSize = 12 + align(owner.length, 4) + align(desc.length, 4);

  let cursor = noteOffset + noteSize;
  const offsets: number[] = [];
  for (const s of program.segments) {
    const want = s.vaddr % PAGE_SIZE;
    const off = cursor + ((want - (cursor % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE);
    offsets.push(off);
    cursor = off + s.data.length;
  }
  const out = new Uint8Array(cursor);
  const dv = new DataView(out.buffer);
  const u64 = (at: number, v: bigint) => dv.setBigUint64(at, v, true);

  // e_ident
  out.set(ELF_MAGIC, 0);
  out[4] = ELFCLASS64;
  out[5] = ELFDATA2LSB;
  out[6] = EV_CURRENT;
  out[7] = 0; // ELFOSABI_SYSV
  dv.setUint16(16, ET_EXEC, true); // e_type
  dv.setUint16(18, EM_X86_64, true); // e_machine
  dv.setUint32(20, EV_CURRENT, true); // e_version
  u64(24, entry); // e_entry
  u64(32, BigInt(EHDR_SIZE)); // e_phoff
  u64(40, 0n); // e_shoff
  dv.setUint32(48, 0, true); // e_flags
  dv.setUint16(52, EHDR_SIZE, true); // e_ehsize
  dv.setUint16(54, PHDR_SIZE, true); // e_phentsize
  dv.setUint16(56, phnum, true); // e_phnum
  dv.setUint16(58, 64, true); // e_shentsize
  dv.setUint16(60, 0, true); // e_shnum
  dv.setUint16(62, 0, true); // e_shstrndx

  const phdr = (i: number, type: number, flags: number, off: number, vaddr: bigint, filesz: number, memsz: bigint, palign: number) => {
    const at = EHDR_SIZE + i * PHDR_SIZE;
    dv.setUint32(at, type, true);
    dv.setUint32(at + 4, flags, true);
    u64(at + 8, BigInt(off));
    u64(at + 16, vaddr); // p_vaddr
    u64(at + 24, vaddr); // p_paddr
    u64(at + 32, BigInt(filesz));
    u64(at + 40, memsz);
    u64(at + 48, BigInt(palign));
  };

  // PT_NOTE first (not loaded: vaddr 0), then the PT_LOADs.
  phdr(0, PT_NOTE, PF_R, noteOffset, 0n, noteSize, 0n, 4);
  dv.setUint32(noteOffset, owner.length, true); // n_namesz (with NUL)
  dv.setUint32(noteOffset + 4, desc.length, true); // n_descsz
  dv.setUint32(noteOffset + 8, NT_ECLIPSE_NAME, true); // n_type
  out.set(owner, noteOffset + 12);
  out.set(desc, noteOffset + 12 + align(owner.length, 4));

  program.segments.forEach((s, i) => {
    phdr(i + 1, PT_LOAD, s.flags, offsets[i]!, BigInt(s.vaddr), s.data.length, BigInt(s.memSize), PAGE_SIZE);
    out.set(s.data, offsets[i]!);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser

class Reader {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.dv.getUint16(at, true);
  }
  u32(at: number): number {
    return this.dv.getUint32(at, true);
  }
  /** u64 as two u32 halves, exact. */
  u64(at: number): bigint {
    return (BigInt(this.dv.getUint32(at + 4, true)) << 32n) | BigInt(this.dv.getUint32(at, true));
  }
}

interface RawPhdr {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

const fail = (error: string): ParseResult => ({ ok: false, error });

/** Validates an ELF64 image for exec; never throws. */
export function parseElf(bytes: Uint8Array): ParseResult {
  try {
    return parseUnchecked(bytes);
  } catch (e) {
    // Defensive only: every read below is bounds-checked first.
    return fail(`internal parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseUnchecked(bytes: Uint8Array): ParseResult {
  const size = bytes.length;
  if (size < EHDR_SIZE) return fail(`file header: file is ${size} bytes, shorter than the 64-byte ELF64 header`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== ELF_MAGIC[i]) {
      return fail(`e_ident: bad magic ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')} (expected 7f 45 4c 46)`);
    }
  }
  if (bytes[4] !== ELFCLASS64) return fail(`e_ident[EI_CLASS]: class ${bytes[4]} is not ELFCLASS64 (2)`);
  if (bytes[5] !== ELFDATA2LSB) return fail(`e_ident[EI_DATA]: data encoding ${bytes[5]} is not ELFDATA2LSB (1, little-endian)`);
  if (bytes[6] !== EV_CURRENT) return fail(`e_ident[EI_VERSION]: version ${bytes[6]} is not EV_CURRENT (1)`);
  const r = new Reader(bytes);
  const type = r.u16(16);
  const machine = r.u16(18);
  const version = r.u32(20);
  const entry = r.u64(24);
  const phoff = r.u64(32);
  const phentsize = r.u16(54);
  const phnum = r.u16(56);
  if (machine !== EM_X86_64) return fail(`e_machine: machine ${machine} is not EM_X86_64 (62)`);
  if (type !== ET_EXEC && type !== ET_DYN) return fail(`e_type: type ${type} is neither ET_EXEC (2) nor ET_DYN (3)`);
  if (version !== EV_CURRENT) return fail(`e_version: version ${version} is not EV_CURRENT (1)`);
  if (phentsize !== PHDR_SIZE) return fail(`e_phentsize: program header size ${phentsize} is not 56`);
  const phEnd = phoff + BigInt(phnum) * BigInt(PHDR_SIZE);
  if (phEnd > BigInt(size)) {
    return fail(`e_phoff: program header table [${hex(phoff)}, ${hex(phEnd)}) (${phnum} entries) runs past the ${size}-byte file`);
  }
  if (entry >= USER_LIMIT) return fail(`e_entry: entry point ${hex(entry)} is not below the user limit ${hex(USER_LIMIT)}`);

  const base = Number(phoff);
  const phdrs: RawPhdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = base + i * PHDR_SIZE;
    phdrs.push({
      index: i,
      type: r.u32(at),
      flags: r.u32(at + 4),
      offset: r.u64(at + 8),
      vaddr: r.u64(at + 16),
      filesz: r.u64(at + 32),
      memsz: r.u64(at + 40),
      align: r.u64(at + 48),
    });
  }

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) return fail('program headers: no PT_LOAD segment');
  for (const p of loads) {
    const what = `PT_LOAD ${p.index}`;
    if (p.filesz > p.memsz) return fail(`${what}: p_filesz ${hex(p.filesz)} exceeds p_memsz ${hex(p.memsz)}`);
    const fileEnd = p.offset + p.filesz;
    if (fileEnd > BigInt(size)) return fail(`${what}: file range [${hex(p.offset)}, ${hex(fileEnd)}) runs past the ${size}-byte file`);
    const memEnd = p.vaddr + p.memsz;
    if (memEnd >= U64_LIMIT) return fail(`${what}: p_vaddr ${hex(p.vaddr)} + p_memsz ${hex(p.memsz)} overflows 2^64`);
    if (memEnd > USER_LIMIT || p.vaddr >= USER_LIMIT) {
      return fail(`${what}: memory range [${hex(p.vaddr)}, ${hex(memEnd)}) is not below the user limit ${hex(USER_LIMIT)}`);
    }
  }

  // Page-granular overlap: sort the non-empty segments by address and compare neighbours.
  const pages = loads
    .filter((p) => p.memsz > 0n)
    .map((p) => ({ p, first: p.vaddr / PAGE, last: (p.vaddr + p.memsz - 1n) / PAGE }))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.p.index - b.p.index));
  for (let i = 1; i < pages.length; i++) {
    const a = pages[i - 1]!;
    const b = pages[i]!;
    if (b.first <= a.last) {
      return fail(
        `PT_LOAD ${b.p.index}: memory range [${hex(b.p.vaddr)}, ${hex(b.p.vaddr + b.p.memsz)}) overlaps PT_LOAD ${a.p.index} ` +
          `[${hex(a.p.vaddr)}, ${hex(a.p.vaddr + a.p.memsz)}) (shares page ${hex(b.first * PAGE)})`,
      );
    }
  }

  const home = loads.find((p) => entry >= p.vaddr && entry < p.vaddr + p.memsz);
  if (!home) return fail(`e_entry: entry point ${hex(entry)} lies outside every PT_LOAD segment`);
  if ((home.flags & PF_X) === 0) return fail(`e_entry: entry point ${hex(entry)} lies in PT_LOAD ${home.index}, which is not executable (no PF_X)`);

  return {
    ok: true,
    image: {
      entry: Number(entry),
      segments: loads.map((p) => ({ offset: Number(p.offset), vaddr: Number(p.vaddr), filesz: Number(p.filesz), memsz: Number(p.memsz), flags: p.flags })),
      name: findName(r, phdrs),
    },
  };
}

/** The EclipseOS name note, if any. Malformed notes are ignored (they do not affect loading). */
function findName(r: Reader, phdrs: RawPhdr[]): string | null {
  const size = BigInt(r.bytes.length);
  for (const p of phdrs) {
    if (p.type !== PT_NOTE) continue;
    if (p.offset + p.filesz > size) continue;
    const start = Number(p.offset);
    const end = start + Number(p.filesz);
    const pad = p.align === 8n ? 8 : 4;
    let at = start;
    while (at + 12 <= end) {
      const namesz = r.u32(at);
      const descsz = r.u32(at + 4);
      const ntype = r.u32(at + 8);
      const nameAt = at + 12;
      const descAt = nameAt + align(namesz, pad);
      const next = descAt + align(descsz, pad);
      if (nameAt + namesz > end || descAt + descsz > end) break;
      const owner = new TextDecoder().decode(r.bytes.subarray(nameAt, nameAt + namesz)).replace(/\0+$/, '');
      if (owner === NOTE_OWNER && ntype === NT_ECLIPSE_NAME) {
        return new TextDecoder().decode(r.bytes.subarray(descAt, descAt + descsz)).replace(/\0+$/, '');
      }
      at = next;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Mapping

/** Refuse to build more than this many bytes of segment memory (a model, not a machine). */
export const MAX_MAPPED_BYTES = 256 * 1024 * 1024;

/**
 * The memory contents of every PT_LOAD segment: its file bytes, then zeros up to memsz. All or
 * nothing: every segment is checked against `bytes` (and the total against `maxBytes`) before any
 * memory is built, so on failure a RangeError is thrown and nothing has been produced.
 */
export function mapSegments(image: LoadedImage, bytes: Uint8Array, maxBytes: number = MAX_MAPPED_BYTES): MappedSegment[] {
  let total = 0;
  image.segments.forEach((s, i) => {
    if (s.filesz > s.memsz) throw new RangeError(`mapSegments: segment ${i} filesz ${hex(s.filesz)} exceeds memsz ${hex(s.memsz)}`);
    if (s.offset + s.filesz > bytes.length) {
      throw new RangeError(`mapSegments: segment ${i} file range [${hex(s.offset)}, ${hex(s.offset + s.filesz)}) runs past the ${bytes.length}-byte file`);
    }
    total += s.memsz;
  });
  if (total > maxBytes) throw new RangeError(`mapSegments: ${total} bytes of segment memory exceed the ${maxBytes}-byte limit`);
  return image.segments.map((s) => {
    const mem = new Uint8Array(s.memsz); // zero-filled
    mem.set(bytes.subarray(s.offset, s.offset + s.filesz), 0);
    return { vaddr: s.vaddr, bytes: mem };
  });
}
