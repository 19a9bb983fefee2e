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
import { EVENT_ACTORS, EVENT_NAMES } from '../model/events.js';
import { FAULT_KINDS, NOTE_FAULT } from '../model/faults.js';

/** Names for argument values that are codes. */
const VALUE_NAMES: Record<string, readonly string[]> = {
  phase: ['alloc', 'fill', 'slot', 'publish', 'kick-check'],
  mode: ['handler', 'poll'],
  step: ['reset', 'wait-reset', 'acknowledge', 'driver', 'features', 'features-ok', 'check-features', 'queue-setup', 'driver-ok'],
  result: ['OK', 'IOERR', 'UNSUPP', 'error'],
};

const ARG_NAMES: Record<string, [string, string]> = {
  'dev.fetch': ['epoch', ''],
  'dev.recheck': ['epoch', ''],
  'dev.io-done': ['slot', 'epoch'],
  'dev.publish-elem': ['epoch', ''],
  'dev.publish-idx': ['epoch', 'slot'],
  'dev.notify-check': ['epoch', 'old-used'],
  'dev.late-status': ['slot', 'epoch'],
  'drv.init-step': ['step', ''],
  'drv.submit': ['client', 'phase'],
  'drv.notify': ['client', ''],
  'drv.handler-ack': ['bits', ''],
  'drv.drain': ['mode', ''],
  'drv.recheck': ['mode', ''],
  'drv.poll-timer': ['client', 'serial'],
  'drv.spin-poll': ['client', 'serial'],
  'client.next': ['client', ''],
  'client.done': ['client', 'result'],
  'fs.continue': ['client', ''],
  'fs.return': ['client', 'returned'],
  'fs.client-next': ['client', ''],
  'cpu.step': ['slot', 'pid'],
  'ipc.timeout': ['slot', 'pid'],
};

/** What a trace record says, with names: its actor, event and named arguments (codes by name). */
export interface TraceFields {
  actor: string;
  event: string;
  arguments: Record<string, number | string>;
}

/**
 * One record as names. Events get their actor (model/events.ts) and their named arguments; model
 * notes get actor `fault` and event `fault` (arguments `kind`, `detail`) for a fault striking, or
 * actor `note` (arguments `note`, `a`, `b`, `c`) for any other note.
 */
export function traceFields(r: TraceRecord): TraceFields {
  if (r.kind < 0) {
    const note = -r.kind - 1;
    if (note === NOTE_FAULT) return { actor: 'fault', event: 'fault', arguments: { kind: FAULT_KINDS[r.a] ?? r.a, detail: r.b } };
    return { actor: 'note', event: 'note', arguments: { note, a: r.a, b: r.b, c: r.c } };
  }
  const event = EVENT_NAMES[r.kind] ?? `event#${r.kind}`;
  const [an, bn] = ARG_NAMES[event] ?? ['', ''];
  const args: Record<string, number | string> = {};
  if (an) args[an] = VALUE_NAMES[an]?.[r.a] ?? r.a;
  if (bn) args[bn] = VALUE_NAMES[bn]?.[r.b] ?? r.b;
  return { actor: EVENT_ACTORS[r.kind] ?? '?', event, arguments: args };
}

/** Named arguments as `name=value …`. */
export function formatArguments(args: Record<string, number | string>): string {
  return Object.entries(args)
    .map(([n, v]) => `${n}=${v}`)
    .join(' ');
}

export function formatTraceRecord(r: TraceRecord): string {
  const step = String(r.step).padStart(7);
  const time = String(r.time).padStart(9);
  const f = traceFields(r);
  if (f.actor === 'fault') return `${step} ${time}  ! fault ${f.arguments.kind} (detail ${f.arguments.detail})`;
  if (f.actor === 'note') return `${step} ${time}  ! note ${f.arguments.note} ${r.a} ${r.b} ${r.c}`;
  return `${step} ${time}  ${f.actor.padEnd(7)} ${f.event.padEnd(18)} ${formatArguments(f.arguments)}`;
}

export const TRACE_HEADER = `${'step'.padStart(7)} ${'time µs'.padStart(9)}  ${'actor'.padEnd(7)} ${'event'.padEnd(18)} arguments`;
