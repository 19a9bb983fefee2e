/**
 * What the HTML timeline shows, gathered by replaying: the failing run of a replay document with
 * its full trace and annotations, and its passing neighbour — the same choices with the last
 * non-zero one set back to 0 (the default), which is the smallest change to the run that a
 * kernel developer can compare against. Pure computation; cli/ reads and writes the files.
 */
import { checkInfo } from '../checks/registry.js';
import { replayDocument } from '../scenarios/operations.js';
import type { ReplayFile } from '../scenarios/replay-file.js';
import { TraceAnnotator } from './trace-annotations.js';
import { traceEvents, type TraceEvent } from './trace-events.js';
import type { TraceRecord } from '../sim/trace.js';

/** Most events drawn per run: the last ones, up to the failure (a browser stays responsive). */
export const MAX_TIMELINE_EVENTS = 6000;

export interface TimelineViolation {
  check: string;
  title: string;
  step: number;
  time: number;
  message: string;
}

export interface TimelineRun {
  /** Choices the run was replayed with (past them every choice is 0). */
  choices: number;
  steps: number;
  /** Simulated time at the end, µs. */
  time: number;
  traceHash: string;
  violation: TimelineViolation | null;
  /** How the run ended when it did not boot (e.g. a boot failure), else null. */
  outcome: string | null;
  /** The events drawn (see MAX_TIMELINE_EVENTS and the neighbour's time window). */
  events: TraceEvent[];
  /** Events of the run left out before the first one drawn. */
  omittedBefore: number;
  /** Events of the run left out after the last one drawn. */
  omittedAfter: number;
  /** What each PID exec'd in the whole run (drawn or not), in order: PID → program names. */
  programs: Record<string, string[]>;
}

/** PID → the programs it exec'd, from the annotation lines ("PID 23: exec → now runs worker"). */
function programsOf(events: readonly TraceEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events)
    for (const line of e.annotations) {
      const m = /^PID (\d+): exec → now runs (.+)$/.exec(line);
      if (!m) continue;
      const names = (out[m[1]] ??= []);
      if (!names.includes(m[2])) names.push(m[2]);
    }
  return out;
}

export interface TimelineDocument {
  scenario: string;
  profile: string;
  mutants: string[];
  seed: number | null;
  /** The replay file's name as given (shown on the page). */
  source: string;
  /** The violation the file recorded, and whether the replay reproduced it. */
  recorded: { check: string; step: number } | null;
  reproduced: boolean;
  failing: TimelineRun;
  /** The passing neighbour, or null when the run makes no non-zero choice. */
  neighbour: TimelineRun | null;
  /** Which choice the neighbour resets, or why there is none. */
  neighbourNote: string;
  /** The first step at which the two runs' traces differ (null: no neighbour, or none). */
  divergeStep: number | null;
}

function violationOf(v: { check: string; step: number; time: number; message: string } | null): TimelineViolation | null {
  if (!v) return null;
  return { check: v.check, title: checkInfo(v.check)?.title ?? '', step: v.step, time: v.time, message: v.message };
}

/** Replays `doc` with its whole trace and annotations. */
function replayWithTrace(doc: ReplayFile, image: Uint8Array | undefined) {
  const notes = new TraceAnnotator();
  const { result, system } = replayDocument(doc, Infinity, image, notes.observe);
  const records = [...system.machine.sim.trace.records()];
  return { result, records, notes, events: system.machine.events };
}

/** The first step at which two record sequences differ, or null when one is a prefix of the other. */
function firstDifference(a: readonly TraceRecord[], b: readonly TraceRecord[]): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x.step !== y.step || x.time !== y.time || x.kind !== y.kind || x.a !== y.a || x.b !== y.b || x.c !== y.c) return Math.min(x.step, y.step);
  }
  return null;
}

/**
 * The timeline of a replay document and of its passing neighbour. `image` is the user disk image
 * the document names, if any (cli/files.ts replayImage).
 */
export function timelineOf(doc: ReplayFile, source: string, image?: Uint8Array): TimelineDocument {
  const fail = replayWithTrace(doc, image);
  const failEvents = traceEvents(fail.records, fail.events, fail.notes);
  const first = Math.max(0, failEvents.length - MAX_TIMELINE_EVENTS);
  const v = fail.result.violation;
  const failing: TimelineRun = {
    choices: doc.choices.length,
    steps: fail.result.steps,
    time: fail.result.time,
    traceHash: fail.result.traceHash,
    violation: violationOf(v),
    outcome: fail.result.outcome,
    events: failEvents.slice(first),
    omittedBefore: first,
    omittedAfter: 0,
    programs: programsOf(failEvents),
  };
  const recorded = doc.violation ? { check: doc.violation.check, step: doc.violation.step } : null;
  const reproduced = recorded !== null && v !== null && v.check === recorded.check && v.step === recorded.step;

  // Only the choices the run used count: a file may list more (an unshrunk finding from a campaign
  // run that went on past its first violation), and setting back one the run never reached would
  // give the same run.
  let last = Math.min(doc.choices.length, fail.result.choices.length) - 1;
  while (last >= 0 && doc.choices[last][1] === 0) last--;
  let neighbour: TimelineRun | null = null;
  let neighbourNote: string;
  let divergeStep: number | null = null;
  if (last < 0) {
    neighbourNote = 'no neighbour: this run makes no non-default choice (every choice is 0), so there is none to set back — the failure is on the default path of the scenario';
  } else {
    // Every choice after `last` is 0 already, so dropping them and `last` replays exactly
    // "the same run with choice `last` set to 0" (choices past the end are 0).
    const [labelIndex, value] = doc.choices[last];
    neighbourNote = `choice ${last + 1} of ${doc.choices.length} (${doc.labels[labelIndex]}) set from ${value} back to 0`;
    const n = replayWithTrace({ ...doc, choices: doc.choices.slice(0, last) }, image);
    const all = traceEvents(n.records, n.events, n.notes);
    // Drawn over the failing run's time window (and a little beyond), so the two line up.
    const from = failing.events.length ? failing.events[0].time : 0;
    const until = fail.result.time + Math.max(50, Math.round(fail.result.time / 4));
    let lo = 0;
    while (lo < all.length && all[lo].time < from) lo++;
    let hi = lo;
    while (hi < all.length && all[hi].time <= until && hi - lo < MAX_TIMELINE_EVENTS) hi++;
    neighbour = {
      choices: last,
      steps: n.result.steps,
      time: n.result.time,
      traceHash: n.result.traceHash,
      violation: violationOf(n.result.violation),
      outcome: n.result.outcome,
      events: all.slice(lo, hi),
      omittedBefore: lo,
      omittedAfter: all.length - hi,
      programs: programsOf(all.slice(0, hi)),
    };
    divergeStep = firstDifference(fail.records, n.records);
  }
  return {
    scenario: doc.scenario,
    profile: doc.profile,
    mutants: doc.mutants,
    seed: doc.seed,
    source,
    recorded,
    reproduced,
    failing,
    neighbour,
    neighbourNote,
    divergeStep,
  };
}
