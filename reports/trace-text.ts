/**
 * Renders trace records as text, one event per line, only when asked for (replay --trace):
 *
 *   step     time(µs)  actor    event              arguments
 *
 * Model notes (a fault striking) are lines starting with "!"; what an event did, as the model's
 * probes and init's service table tell it, follows it on lines starting with "·"
 * (trace-annotations.ts).
 */
import type { TraceRecord } from '../sim/trace.js';
import type { EventRegistry } from '../sim/event-table.js';
import { FAULT_KINDS, NOTE_FAULT } from '../model/faults.js';

/** Names for argument values that are codes. */
const VALUE_NAMES: Record<string, readonly string[]> = {
  phase: ['alloc', 'fill', 'slot', 'publish', 'kick-check'],
  mode: ['handler', 'poll'],
  step: ['reset', 'wait-reset', 'acknowledge', 'driver', 'features', 'features-ok', 'check-features', 'queue-setup', 'driver-ok'],
  result: ['OK', 'IOERR', 'UNSUPP', 'error'],
};

/** What a trace record says, with names: its actor, event and named arguments (codes by name). */
export interface TraceFields {
  actor: string;
  event: string;
  arguments: Record<string, number | string>;
}

/**
 * One record as names. Events get their actor, name and named arguments from the machine's event
 * tables (`events`); model notes get actor `fault` and event `fault` (arguments `kind`, `detail`)
 * for a fault striking, or actor `note` (arguments `note`, `a`, `b`, `c`) for any other note.
 */
export function traceFields(r: TraceRecord, events: EventRegistry): TraceFields {
  if (r.kind < 0) {
    const note = -r.kind - 1;
    if (note === NOTE_FAULT) return { actor: 'fault', event: 'fault', arguments: { kind: FAULT_KINDS[r.a] ?? r.a, detail: r.b } };
    return { actor: 'note', event: 'note', arguments: { note, a: r.a, b: r.b, c: r.c } };
  }
  const def = events.events[r.kind];
  const event = def?.name ?? `event#${r.kind}`;
  const [an, bn] = def?.args ?? ['', ''];
  const args: Record<string, number | string> = {};
  if (an) args[an] = VALUE_NAMES[an]?.[r.a] ?? r.a;
  if (bn) args[bn] = VALUE_NAMES[bn]?.[r.b] ?? r.b;
  return { actor: def?.actor ?? '?', event, arguments: args };
}

/** Named arguments as `name=value …`. */
export function formatArguments(args: Record<string, number | string>): string {
  return Object.entries(args)
    .map(([n, v]) => `${n}=${v}`)
    .join(' ');
}

/** One trace line; `events` is the machine's registry (names, actors and argument names by kind). */
export function formatTraceRecord(r: TraceRecord, events: EventRegistry): string {
  const step = String(r.step).padStart(7);
  const time = String(r.time).padStart(9);
  const f = traceFields(r, events);
  if (f.actor === 'fault') return `${step} ${time}  ! fault ${f.arguments.kind} (detail ${f.arguments.detail})`;
  if (f.actor === 'note') return `${step} ${time}  ! note ${f.arguments.note} ${r.a} ${r.b} ${r.c}`;
  return `${step} ${time}  ${f.actor.padEnd(7)} ${f.event.padEnd(18)} ${formatArguments(f.arguments)}`;
}

export const TRACE_HEADER = `${'step'.padStart(7)} ${'time µs'.padStart(9)}  ${'actor'.padEnd(7)} ${'event'.padEnd(18)} arguments`;
