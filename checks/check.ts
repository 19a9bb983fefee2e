import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';

/** One check of invariants.md, by its stable id. */
export interface CheckInfo {
  id: string;
  subsystem: string;
  kind: 'safety' | 'progress';
  title: string;
}

/**
 * A family of checks in one file (as TigerBeetle keeps state_checker.zig and storage_checker.zig
 * apart). After every step the family reads the step's probes and the model state and returns the
 * first violation it sees; at the end of a run it judges what was left undone. Its ghost state is
 * part of the state fingerprint.
 */
export interface CheckFamily {
  readonly checks: readonly CheckInfo[];
  /**
   * Which violations may end the run (the `--only` filter). A family reads every probe of a step
   * whatever it finds, so its ghost state stays in step when a violation is filtered out.
   */
  selected: (id: string) => boolean;
  begin(): void;
  afterStep(): Violation | null;
  /** `quiescent`: no event is pending, so nothing outstanding can ever happen. */
  atEnd(quiescent: boolean): Violation | null;
  fingerprint(h: Hasher64, now: number): void;
}
