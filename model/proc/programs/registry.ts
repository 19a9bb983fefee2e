/**
 * Programs by name. exec finds the program named in the note of the ELF file it loaded; a name
 * this registry does not know makes exec fail with ENOEXEC.
 */
import { elfFor } from './elf-image.js';
import { FORKTREE } from './forktree.js';
import { INIT } from '../../init/rc-init.js';
import { ORPHANER } from './orphaner.js';
import { PAIR } from './pair.js';
import type { ProgramDef } from './program.js';
import { REFERENCE_SERVICES, SHIPPED_SERVICES } from '../../init/services.js';
import { SVCINIT } from '../../init/service-manager.js';
import { INIT_V020 } from '../../init/init-v0.2.0.js';
import { LINEAGE } from './lineage.js';
import { STORM } from './storm.js';
import { WORKER } from './worker.js';

const programs: ProgramDef[] = [INIT, FORKTREE, WORKER, ORPHANER, STORM, PAIR, SVCINIT, INIT_V020, ...REFERENCE_SERVICES, ...SHIPPED_SERVICES, LINEAGE];
export const PROGRAMS: readonly ProgramDef[] = programs;

const byName = new Map(programs.map((p, i) => [p.name, i]));

/**
 * Adds a program (tests add their own probes of the syscall boundary). Its ELF file, from
 * `programElf`, can then go on a disk image and be exec'd. Names are unique.
 */
export function registerProgram(def: ProgramDef): void {
  if (byName.has(def.name)) throw new Error(`a program "${def.name}" is already registered`);
  byName.set(def.name, programs.length);
  programs.push(def);
}

/** Index of a program by name, or −1. */
export function programIndex(name: string): number {
  return byName.get(name) ?? -1;
}

/** The ELF executable of a program (cached). */
export function programElf(name: string): Uint8Array {
  const i = programIndex(name);
  if (i < 0) throw new Error(`no program "${name}"`);
  return elfFor(PROGRAMS[i]);
}
