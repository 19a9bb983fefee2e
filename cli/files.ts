import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseReplay, replayToText, ReplayFileError, type ReplayFile } from '../scenarios/replay-file.js';
import { InputError, withImage, withSettings, type Finding, type Target } from '../scenarios/operations.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { imageHash } from '../scenarios/fs-images.js';

/** Writes a finding's replay file under `dir`; returns its path. */
export function writeFinding(dir: string, scenario: string, mode: string, f: Finding): string {
  const origin = f.seed !== null ? `seed${f.seed}` : mode;
  const mutants = f.replay.mutants.length ? `-${f.replay.mutants.join('+')}` : '';
  const path = join(dir, `${scenario}-${f.replay.profile}${mutants}-${f.check}-${origin}.replay.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, replayToText(f.replay));
  return path;
}

/**
 * Applies --image, --set and --only to a target (reads the image file). The settings go after the
 * image, so that fs.* settings keep the image. `skipUnused`: see withSettings (check).
 */
export function applyTargetOptions(t: Target, o: { image?: string; only?: string; set?: readonly string[] }, skipUnused = false): Target {
  let out = t;
  if (o.image) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(o.image));
    } catch (e) {
      throw new InputError(`cannot read image ${o.image}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    out = withImage(out, bytes, resolve(o.image));
  }
  if (o.set && o.set.length > 0) out = withSettings(out, o.set, skipUnused);
  if (o.only) {
    const checks = o.only.split(',').map((x) => x.trim()).filter(Boolean);
    for (const c of checks) {
      const known = ALL_CHECKS.some((k) => (c.endsWith('*') ? k.id.startsWith(c.slice(0, -1)) : k.id === c));
      if (!known) throw new InputError(`--only: no check matches "${c}" (see eclipse-sim list)`);
    }
    out = { ...out, checks };
  }
  return out;
}

/** The user image a replay file names, checked against its recorded hash; undefined for built-ins. */
export function replayImage(doc: ReplayFile): Uint8Array | undefined {
  const fs = doc.parameters.fs;
  if (!fs || !fs.image.startsWith('file:')) return undefined;
  const path = fs.image.slice('file:'.length);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new ReplayFileError(`the replay boots from image ${path}, which cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (imageHash(bytes) !== fs.imageHash) throw new ReplayFileError(`the image ${path} has changed since the replay was written (hash ${imageHash(bytes)}, recorded ${fs.imageHash})`);
  return bytes;
}

/** Reads a replay file from disk (one-line errors). */
export function readReplayFile(path: string): ReplayFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReplayFileError(`cannot read replay file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseReplay(text, path);
}
