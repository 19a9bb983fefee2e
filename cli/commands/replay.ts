import chalk from 'chalk';
import { InputError, replayDocument } from '../../scenarios/operations.js';
import { checkInfo } from '../../checks/registry.js';
import { formatTraceRecord, TRACE_HEADER } from '../../reports/trace-text.js';
import { formatAnnotation, TraceAnnotator } from '../../reports/trace-annotations.js';
import type { TraceRecord } from '../../sim/trace.js';
import type { EventRegistry } from '../../sim/event-table.js';
import { bad, fmt, ok, settingsText } from '../../reports/terminal.js';
import { readReplayFile, replayImage } from '../files.js';

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
export function replayCommand(file: string, o: { trace?: boolean; last?: number; json?: boolean }): void {
  if (o.last !== undefined && !o.trace) throw new InputError('--last goes with --trace');
  const doc = readReplayFile(file);
  const notes = o.trace ? new TraceAnnotator() : null;
  const { result, system } = replayDocument(doc, o.trace ? Infinity : 0, replayImage(doc), notes?.observe);
  const from = o.last !== undefined ? Math.max(0, result.steps - o.last) : 0;
  const v = result.violation;
  const expected = doc.violation;
  const reproduced = expected !== null && v !== null && v.check === expected.check && v.step === expected.step;
  const hashMatches = result.traceHash === doc.traceHash;
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
      violations: v ? [{ check: v.check, seed: doc.seed, step: v.step, time: v.time, message: v.message, replay: file }] : [],
      ...(notes ? { trace: traceLines(system.machine.sim.trace.records(), system.machine.events, notes, from) } : {}),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const lines: string[] = [];
    lines.push(chalk.bold(`eclipse-sim replay ${file}`) + chalk.dim(`  scenario ${doc.scenario}  profile ${doc.profile}  mutants ${doc.mutants.length ? doc.mutants.join(',') : 'none'}${settingsText(doc.settings)}  ${doc.choices.length} choices`));
    if (notes) {
      lines.push(TRACE_HEADER);
      if (from > 0) lines.push(chalk.dim(`      … ${fmt(from)} earlier events (--last ${o.last})`));
      lines.push(...traceLines(system.machine.sim.trace.records(), system.machine.events, notes, from));
    }
    lines.push(`  ${fmt(result.steps)} events, trace hash ${result.traceHash}${hashMatches ? '' : chalk.yellow(` (recorded ${doc.traceHash})`)}`);
    if (v) {
      const info = checkInfo(v.check);
      lines.push(`${chalk.red.bold('VIOLATION')} ${chalk.bold(v.check)}${info ? ` ${info.title}` : ''}`);
      lines.push(`  step ${v.step}, t = ${fmt(v.time)} µs: ${v.message}`);
      lines.push(reproduced ? ok(`reproduced the recorded ${expected!.check} at step ${expected!.step}`) : bad(expected ? `the recording had ${expected.check} at step ${expected.step}` : 'the recording had no violation'));
    } else if (expected) {
      lines.push(bad(`the recorded ${expected.check} at step ${expected.step} did not occur (has the model changed?)`));
    } else {
      lines.push(ok('no violation'));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!hashMatches) {
    // Same choices, different events: the model is not the one that wrote the file.
    process.stderr.write(`eclipse-sim: replay diverged: trace hash ${result.traceHash}, recorded ${doc.traceHash} (the model changed since the file was written)\n`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = v ? 1 : 0;
}
