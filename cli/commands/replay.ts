import chalk from 'chalk';
import { InputError, replayDocument } from '../../scenarios/operations.js';
import { checkInfo } from '../../checks/registry.js';
import { formatTraceRecord, TRACE_HEADER } from '../../reports/trace-text.js';
import { formatAnnotation, TraceAnnotator } from '../../reports/trace-annotations.js';
import type { TraceRecord } from '../../sim/trace.js';
import type { EventRegistry } from '../../sim/event-table.js';
import { bad, fmt, ok, settingsText } from '../../reports/terminal.js';
import { readReplayFile, replayImage } from '../files.js';
import type { ReplayFile } from '../../scenarios/replay-file.js';
import { ReplayDivergence } from '../../sim/strategy/replay.js';
import { DEFAULT_WATCHDOG_SECONDS, isWatchdogHang, replayHang, WatchedRunError } from '../watched-run.js';
import { escapeText, toJsonText } from '../../reports/escape.js';
import { traceEvents } from '../../reports/trace-events.js';
import { writeTimelinePage } from '../html-timeline.js';
import { knobsText } from '../../scenarios/swarm-knobs.js';

/**
 * The trace, one line per event and fault note, each step followed by what it did (its
 * annotations); only the steps after `from`.
 */
function traceLines(records: Iterable<TraceRecord>, events: EventRegistry, notes: TraceAnnotator, from = 0): string[] {
  const out: string[] = [];
  let step = -1;
  const flush = () => {
    for (const line of notes.at(step)) out.push(formatAnnotation(line));
  };
  for (const r of records) {
    if (r.step <= from) continue;
    if (r.step !== step) {
      flush();
      step = r.step;
    }
    out.push(formatTraceRecord(r, events));
  }
  flush();
  return out;
}

/** `replay`: re-run a replay file exactly; report whether the recorded violation reproduced. */
export async function replayCommand(file: string, o: { trace?: boolean; last?: number; json?: boolean; watchdog?: number; image?: string; html?: string }): Promise<void> {
  if (o.last !== undefined && !o.trace) throw new InputError('--last goes with --trace');
  const doc = readReplayFile(file);
  if (isWatchdogHang(doc.violation)) return replayWatchdogHang(file, doc, o);
  if (o.html) writeTimelinePage(o.html, doc, file, o.image);
  const notes = o.trace ? new TraceAnnotator() : null;
  const { result, system } = replayDocument(doc, o.trace ? Infinity : 0, replayImage(doc, file, o.image), notes?.observe);
  const from = o.last !== undefined ? Math.max(0, result.steps - o.last) : 0;
  const v = result.violation;
  const expected = doc.violation;
  const reproduced = expected !== null && v !== null && v.check === expected.check && v.step === expected.step;
  const hashMatches = result.traceHash === doc.traceHash;
  // The swarm knobs this run drew (the choices decide them), against those the file records.
  const knobs = system.knobs ? system.knobs.values() : null;
  const knobsMatch = JSON.stringify(knobs ?? {}) === JSON.stringify(doc.knobs ?? knobs ?? {});
  if (o.json) {
    const out = {
      scenario: doc.scenario,
      profile: doc.profile,
      mutants: doc.mutants,
      settings: doc.settings ?? {},
      mode: 'replay',
      runs: 1,
      steps: result.steps,
      traceHash: result.traceHash,
      recordedTraceHash: doc.traceHash,
      reproduced,
      ...(knobs ? { knobs } : {}),
      violations: v ? [{ check: v.check, seed: doc.seed, step: v.step, time: v.time, message: v.message, replay: file }] : [],
      ...(notes ? { trace: traceEvents(system.machine.sim.trace.records(), system.machine.events, notes, from).map(({ topics: _, ...e }) => e) } : {}),
      ...(o.html ? { html: o.html } : {}),
    };
    process.stdout.write(`${toJsonText(out)}\n`);
  } else {
    const lines: string[] = [];
    lines.push(chalk.bold(`eclipse-sim replay ${escapeText(file)}`) + chalk.dim(`  scenario ${doc.scenario}  profile ${doc.profile}  mutants ${doc.mutants.length ? doc.mutants.join(',') : 'none'}${settingsText(doc.settings)}  ${doc.choices.length} choices`));
    if (notes) {
      lines.push(TRACE_HEADER);
      if (from > 0) lines.push(chalk.dim(`      … ${fmt(from)} earlier events (--last ${o.last})`));
      lines.push(...traceLines(system.machine.sim.trace.records(), system.machine.events, notes, from));
    }
    if (o.html) lines.push(`  timeline page: ${o.html}`);
    if (knobs) lines.push(`  swarm knobs: ${knobsText(knobs)}${knobsMatch ? '' : chalk.yellow(` (recorded ${knobsText(doc.knobs ?? {})})`)}`);
    lines.push(`  ${fmt(result.steps)} events, trace hash ${result.traceHash}${hashMatches ? '' : chalk.yellow(` (recorded ${doc.traceHash})`)}`);
    if (v) {
      const info = checkInfo(v.check);
      lines.push(`${chalk.red.bold('VIOLATION')} ${chalk.bold(v.check)}${info ? ` ${info.title}` : ''}`);
      lines.push(`  step ${v.step}, t = ${fmt(v.time)} µs: ${escapeText(v.message, 1000)}`);
      lines.push(reproduced ? ok(`reproduced the recorded ${expected!.check} at step ${expected!.step}`) : bad(expected ? `the recording had ${escapeText(expected.check)} at step ${expected.step}` : 'the recording had no violation'));
    } else if (expected) {
      lines.push(bad(`the recorded ${escapeText(expected.check)} at step ${expected.step} did not occur (has the model changed?)`));
    } else {
      lines.push(ok('no violation'));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!knobsMatch) {
    process.stderr.write(`eclipse-sim: replay diverged: the run drew swarm knobs ${knobsText(knobs ?? {})}, the file records ${knobsText(doc.knobs ?? {})}\n`);
    process.exitCode = 2;
    return;
  }
  if (!hashMatches) {
    // Same choices, different events: the model is not the one that wrote the file.
    process.stderr.write(`eclipse-sim: replay diverged: trace hash ${result.traceHash}, recorded ${doc.traceHash} (the model changed since the file was written)\n`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = v ? 1 : 0;
}

/**
 * A MODEL-HANG the campaign watchdog found: the run is replayed in a watched thread, and it
 * reproduces when it again never returns from the recorded event (after the same events). With
 * --trace, the events before that one are replayed in-process and printed first.
 */
async function replayWatchdogHang(file: string, doc: ReplayFile, o: { trace?: boolean; last?: number; json?: boolean; watchdog?: number; image?: string }): Promise<void> {
  const expected = doc.violation!;
  const image = replayImage(doc, file, o.image);
  const seconds = o.watchdog ?? DEFAULT_WATCHDOG_SECONDS;
  let trace: string[] = [];
  if (o.trace && expected.step > 1) {
    // The events before the hung one, which all return: the step bound stops the run there.
    const notes = new TraceAnnotator();
    const before = { ...doc, parameters: { ...doc.parameters, maxSteps: expected.step - 1 } };
    const { result, system } = replayDocument(before, Infinity, image, notes.observe);
    trace = traceLines(system.machine.sim.trace.records(), system.machine.events, notes, o.last !== undefined ? Math.max(0, result.steps - o.last) : 0);
  }
  let r;
  try {
    r = await replayHang(doc, image, seconds * 1000);
  } catch (e) {
    if (e instanceof WatchedRunError && e.divergence) throw new ReplayDivergence(-1, 'the recorded run', e.message);
    throw e;
  }
  const got = r.hung ? { check: expected.check, step: r.hung.step, time: r.hung.time, message: `event ${r.hung.step} at t = ${fmt(r.hung.time)} µs did not return within ${seconds} s of wall-clock time` } : r.finished?.violation ?? null;
  if (o.json) {
    const out = {
      scenario: doc.scenario,
      profile: doc.profile,
      mutants: doc.mutants,
      mode: 'replay',
      runs: 1,
      steps: r.hung ? r.hung.step : r.finished!.steps,
      traceHash: r.hung ? r.hung.traceHash : r.finished!.traceHash,
      recordedTraceHash: doc.traceHash,
      reproduced: r.reproduced,
      violations: got ? [{ check: got.check, seed: doc.seed, step: got.step, time: got.time, message: got.message, replay: file }] : [],
      ...(o.trace ? { trace } : {}),
    };
    process.stdout.write(`${toJsonText(out)}\n`);
  } else {
    const lines: string[] = [];
    lines.push(chalk.bold(`eclipse-sim replay ${file}`) + chalk.dim(`  scenario ${doc.scenario}  profile ${doc.profile}  mutants ${doc.mutants.length ? doc.mutants.join(',') : 'none'}  ${doc.choices.length} choices, watched (${seconds} s)`));
    if (o.trace) {
      lines.push(TRACE_HEADER);
      if (o.last !== undefined && expected.step - 1 > o.last) lines.push(chalk.dim(`      … ${fmt(expected.step - 1 - o.last)} earlier events (--last ${o.last})`));
      lines.push(...trace);
    }
    if (got) {
      lines.push(`${chalk.red.bold('VIOLATION')} ${chalk.bold(got.check)}`);
      lines.push(`  step ${got.step}, t = ${fmt(got.time)} µs: ${got.message}`);
    }
    if (r.reproduced) lines.push(ok(`reproduced the recorded ${expected.check} at step ${expected.step}`));
    else if (r.hung) lines.push(bad(`the recording had ${expected.check} at step ${expected.step} (trace hash ${doc.traceHash}); this run hung at step ${r.hung.step} (trace hash ${r.hung.traceHash})`));
    else lines.push(bad(`the recorded ${expected.check} at step ${expected.step} did not occur: the run finished after ${fmt(r.finished!.steps)} events (has the model changed?)`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = r.reproduced || got ? 1 : 0;
}
