/**
 * The ELF64 executable of a built-in program, as it goes on the disk image: a read-execute text
 * segment at TEXT_BASE (entry point inside it), and a read-write data segment at DATA_BASE holding
 * the program's strings, zero-filled up to the end of the scratch buffer. The note names the
 * program. Text bytes are a deterministic pattern (the model never decodes instructions).
 */
import { fmix } from '../../../sim/hash.js';
import { BUF_BASE, BUF_BYTES, DATA_BASE, TEXT_BASE } from '../abi.js';
import { PF_R, PF_W, PF_X, writeElf } from '../elf.js';
import type { ProgramDef } from './program.js';

const TEXT_OFFSET = 0x200;
const TEXT_BYTES = 256;
const cache = new Map<string, Uint8Array>();

export function elfFor(def: ProgramDef): Uint8Array {
  let elf = cache.get(def.name);
  if (elf) return elf;
  const text = new Uint8Array(TEXT_BYTES);
  let x = fmix(def.name.length * 131 + def.name.charCodeAt(0)) | 1;
  for (let i = 0; i < TEXT_BYTES; i++) {
    x = fmix(x + i);
    text[i] = x & 0xff;
  }
  const enc = new TextEncoder();
  const parts = def.strings.map((s) => enc.encode(s + '\0'));
  const data = new Uint8Array(Math.max(1, parts.reduce((n, p) => n + p.length, 0)));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  elf = writeElf({
    name: def.name,
    entry: TEXT_BASE + TEXT_OFFSET,
    segments: [
      { vaddr: TEXT_BASE + TEXT_OFFSET, data: text, memSize: TEXT_BYTES, flags: PF_R | PF_X },
      { vaddr: DATA_BASE, data, memSize: BUF_BASE + BUF_BYTES - DATA_BASE, flags: PF_R | PF_W },
    ],
  });
  cache.set(def.name, elf);
  return elf;
}
