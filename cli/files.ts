import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseReplay, replayToText, ReplayFileError, type ReplayFile } from '../scenarios/replay-file.js';
import type { Finding } from '../scenarios/operations.js';

/** Writes a finding's replay file under `dir`; returns its path. */
export function writeFinding(dir: string, scenario: string, mode: string, f: Finding): string {
  const origin = f.seed !== null ? `seed${f.seed}` : mode;
  const mutants = f.replay.mutants.length ? `-${f.replay.mutants.join('+')}` : '';
  const path = join(dir, `${scenario}-${f.replay.profile}${mutants}-${f.check}-${origin}.replay.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, replayToText(f.replay));
  return path;
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
