import { Chooser } from './chooser.js';
import { Hasher64 } from './hash.js';
import { FingerprintSet } from './fingerprint-set.js';
import { DfsStrategy } from './strategy/dfs.js';
import type { SimSystem } from './system.js';
import type { Violation } from './violation.js';
import type { Label } from './labels.js';

/** Bounds of an exhaustive exploration. */
export interface ExploreOptions {
  /** Longest path, in events. Paths cut here make the result incomplete. */
  maxDepth: number;
  /** Most distinct states to store; reaching it stops the search (incomplete). */
  maxStates: number;
  /** Memory budget for the state store, in bytes; reaching it stops the search cleanly. */
  maxMemoryBytes: number;
  /** Stop at the first violation (default) or keep exploring. */
  stopAtFirstViolation: boolean;
  /** Called now and then with progress (states so far). */
  onProgress?: (states: number) => void;
  /** Asked now and then whether to stop early (an interrupt); true stops cleanly. */
  shouldStop?: () => boolean;
}

/** What an exhaustive exploration found. */
export interface ExploreResult {
  /** Distinct states stored. */
  states: number;
  /** Events executed beyond replayed prefixes (edges of the explored graph). */
  transitions: number;
  /** Events executed in all, counting prefix re-execution. */
  executedSteps: number;
  /** Runs (paths) started. */
  runs: number;
  /** Deepest path seen, in events. */
  maxDepth: number;
  /** True when every choice sequence was explored within the bounds. */
  complete: boolean;
  /** Why the search stopped short, if it did. */
  stoppedBy: 'depth' | 'states' | 'memory' | 'violation' | 'interrupt' | null;
  /** Bytes held by the state store. */
  storeBytes: number;
  violations: Array<{ violation: Violation; choices: number[]; labels: Label[] }>;
}

/**
 * Exhaustive depth-first exploration over choice sequences (stateless search with state caching):
 * each path is re-run from the initial state with a choice prefix, and extended with 0 at every
 * new choice point. After each new event the system's 64-bit fingerprint is looked up; a state
 * already explored at the same or smaller depth ends the path. Then the deepest choice point with
 * an untried option is bumped. See architecture.md "a run is a choice sequence".
 */
export function explore(system: SimSystem, opts: ExploreOptions): ExploreResult {
  const dfs = new DfsStrategy();
  const chooser = new Chooser(dfs);
  const seen = new FingerprintSet(1 << 12, opts.maxMemoryBytes);
  const h = new Hasher64();
  let prefix = new Int32Array(256);
  let prefixLength = 0;
  const result: ExploreResult = {
    states: 0,
    transitions: 0,
    executedSteps: 0,
    runs: 0,
    maxDepth: 0,
    complete: false,
    stoppedBy: null,
    storeBytes: 0,
    violations: [],
  };
  let depthCut = false;

  // The initial state.
  chooser.reset(dfs);
  dfs.setPrefix(prefix, 0);
  system.begin(chooser, 0);
  system.fingerprint(h);
  seen.visit(h.h1, h.h2, 0);

  for (;;) {
    result.runs++;
    dfs.setPrefix(prefix, prefixLength);
    chooser.reset(dfs);
    system.begin(chooser, 0);
    const log = chooser.log;
    // Choice points at index < prefixLength replay the prefix; the path is new once the last
    // prefix choice (the one just bumped) has been consumed.
    let fresh = prefixLength === 0;
    while (system.step()) {
      result.executedSteps++;
      if (!fresh && log.length >= prefixLength) fresh = true;
      if (!fresh) continue;
      result.transitions++;
      const depth = system.steps;
      if (depth > result.maxDepth) result.maxDepth = depth;
      h.reset();
      system.fingerprint(h);
      if (!seen.visit(h.h1, h.h2, depth)) break;
      if (depth >= opts.maxDepth) {
        depthCut = true;
        break;
      }
    }
    if (system.violation) {
      result.executedSteps++;
      result.violations.push({
        violation: system.violation,
        choices: log.valuesArray(),
        labels: log.labelsArray(),
      });
      if (opts.stopAtFirstViolation) {
        result.stoppedBy = 'violation';
        break;
      }
    }
    if (seen.size >= opts.maxStates) {
      result.stoppedBy = 'states';
      break;
    }
    if (seen.full) {
      result.stoppedBy = 'memory';
      break;
    }
    if ((result.runs & 1023) === 0) {
      opts.onProgress?.(seen.size);
      if (opts.shouldStop?.()) {
        result.stoppedBy = 'interrupt';
        break;
      }
    }
    // Backtrack: the deepest choice point with an untried option.
    let i = log.length - 1;
    while (i >= 0 && log.values[i] + 1 >= log.counts[i]) i--;
    if (i < 0) {
      result.complete = !depthCut;
      if (depthCut) result.stoppedBy = 'depth';
      break;
    }
    if (prefix.length < i + 1) {
      const p = new Int32Array(Math.max(prefix.length * 2, i + 1));
      prefix = p;
    }
    for (let j = 0; j < i; j++) prefix[j] = log.values[j];
    prefix[i] = log.values[i] + 1;
    prefixLength = i + 1;
  }
  result.states = seen.size;
  result.storeBytes = seen.bytes();
  return result;
}
