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

/** One trace line; `events` is the machine's registry (names, actors and argument names by kind). */
export function formatTraceRecord(r: TraceRecord, events: EventRegistry): string {
  const step = String(r.step).padStart(7);
  const time = String(r.time).padStart(9);
  if (r.kind < 0) {
    const note = -r.kind - 1;
    if (note === NOTE_FAULT) return `${step} ${time}  ! fault ${FAULT_KINDS[r.a] ?? r.a} (detail ${r.b})`;
    return `${step} ${time}  ! note ${note} ${r.a} ${r.b} ${r.c}`;
  }
  const def = events.events[r.kind];
  const name = def?.name ?? `event#${r.kind}`;
  const actor = (def?.actor ?? '?').padEnd(7);
  const [an, bn] = def?.args ?? ['', ''];
  const show = (n: string, v: number) => (n ? `${n}=${VALUE_NAMES[n]?.[v] ?? v}` : '');
  const args = [show(an, r.a), show(bn, r.b)].filter(Boolean).join(' ');
  return `${step} ${time}  ${actor} ${name.padEnd(18)} ${args}`;
}

export const TRACE_HEADER = `${'step'.padStart(7)} ${'time µs'.padStart(9)}  ${'actor'.padEnd(7)} ${'event'.padEnd(18)} arguments`;
