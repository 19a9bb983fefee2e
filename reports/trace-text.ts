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

export function formatTraceRecord(r: TraceRecord): string {
  const step = String(r.step).padStart(7);
  const time = String(r.time).padStart(9);
  if (r.kind < 0) {
    const note = -r.kind - 1;
    if (note === NOTE_FAULT) return `${step} ${time}  ! fault ${FAULT_KINDS[r.a] ?? r.a} (detail ${r.b})`;
    return `${step} ${time}  ! note ${note} ${r.a} ${r.b} ${r.c}`;
  }
  const name = EVENT_NAMES[r.kind] ?? `event#${r.kind}`;
  const actor = (EVENT_ACTORS[r.kind] ?? '?').padEnd(7);
  const [an, bn] = ARG_NAMES[name] ?? ['', ''];
  const show = (n: string, v: number) => (n ? `${n}=${VALUE_NAMES[n]?.[v] ?? v}` : '');
  const args = [show(an, r.a), show(bn, r.b)].filter(Boolean).join(' ');
  return `${step} ${time}  ${actor} ${name.padEnd(18)} ${args}`;
}

export const TRACE_HEADER = `${'step'.padStart(7)} ${'time µs'.padStart(9)}  ${'actor'.padEnd(7)} ${'event'.padEnd(18)} arguments`;
