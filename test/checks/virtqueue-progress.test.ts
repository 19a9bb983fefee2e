/**
 * L-VQ-* on hand-made states: VirtqueueProgressChecks (system.families[2]) at the end of a run
 * (atEnd(true): nothing can happen any more) or with the clock moved past a bound, while an
 * obligation is open.
 */
import test from 'ava';
import * as P from '../../model/probes.js';
import type { Machine } from '../../model/machine.js';
import { begun, reach, type TargetSpec } from '../helpers/system.js';
import { inFlightQuiet, judge, publishedUnfetched, usedPending } from '../helpers/states.js';

function good(pred: (m: Machine) => boolean, spec: TargetSpec = { scenario: 'virtio-smoke' }) {
  const r = reach(spec, pred);
  const progress = r.system.families[2];
  if (judge(progress, r.machine) !== null || progress.atEnd(false) !== null) throw new Error('the good state is not good');
  return { progress, m: r.machine };
}

test('checks: L-VQ: a finished clean run leaves no obligation (every family’s atEnd is null)', (t) => {
  const system = begun({ scenario: 'virtio-smoke' }, 4);
  while (system.step()) {
    // to quiescence
  }
  t.is(system.violation, null);
  t.true(system.machine.quiescent());
  for (const f of system.families) t.is(f.atEnd(true), null);
});

test('checks: L-VQ-01: a published entry never fetched by a live device', (t) => {
  const { progress } = good(publishedUnfetched);
  t.is(progress.atEnd(true)?.check, 'L-VQ-01');
  const late = good(publishedUnfetched);
  late.m.sim.now += late.m.params.fetchBoundMicros + 1;
  t.is(judge(late.progress, late.m)?.check, 'L-VQ-01');
});

test('checks: L-VQ-02: a used element never consumed (a lost interrupt)', (t) => {
  {
    const { progress, m } = good(usedPending);
    t.is(judge(progress, m), null);
    const v = progress.atEnd(true);
    t.is(v?.check, 'L-VQ-02');
    t.regex(v?.message ?? '', /never consumed/);
  }
  {
    const { progress, m } = good(usedPending);
    m.sim.now += m.params.consumeBoundMicros - 1;
    t.is(judge(progress, m), null, 'within the bound');
  }
  const { progress, m } = good(usedPending);
  m.sim.now += m.params.consumeBoundMicros + 1;
  const v = judge(progress, m);
  t.is(v?.check, 'L-VQ-02');
  t.regex(v?.message ?? '', /within 200 µs/);
});

test('checks: L-VQ-03: a request neither completed nor failed back', (t) => {
  {
    const { progress } = good(inFlightQuiet);
    t.is(progress.atEnd(true)?.check, 'L-VQ-03', 'the device dropped it and nothing else will happen');
  }
  const { progress, m } = good(inFlightQuiet);
  m.sim.now += m.params.requestBoundMicros + 1;
  t.is(judge(progress, m)?.check, 'L-VQ-03');
});

test('checks: L-VQ-03: the bound counts from when the last fault settled', (t) => {
  const { progress, m } = good(inFlightQuiet);
  m.faults.settleUntil = m.sim.now + 10_000;
  m.sim.now += m.params.requestBoundMicros + 1;
  t.is(judge(progress, m), null, 'a fault is still settling');
  m.sim.now = m.faults.settleUntil + m.params.requestBoundMicros + 1;
  t.is(judge(progress, m)?.check, 'L-VQ-03');
});

test('checks: L-VQ-05: a reset never followed by DRIVER_OK or FAILED', (t) => {
  const { progress } = good((m) => m.sim.steps === 1);
  t.is(progress.atEnd(true)?.check, 'L-VQ-05');
});

test('checks: L-VQ-07: a handler that keeps re-reading used.idx', (t) => {
  const { progress, m } = good(usedPending);
  const reads = Array.from({ length: 2 * m.params.queueSize + 5 }, () => [P.P_DRIVER_READ_USED, m.mem.usedIdx(), 0, 0] as [number, number, number, number]);
  t.is(judge(progress, m, [[P.P_HANDLER_START, 0, 0, 0], ...reads.slice(0, 4), [P.P_HANDLER_END, 0, 0, 0]]), null);
  t.is(judge(progress, m, [[P.P_HANDLER_START, 0, 0, 0], ...reads])?.check, 'L-VQ-07');
});

test('checks: L-VQ-08: a lost interrupt after the indices wrapped is reported as a wrap failure', (t) => {
  // virtio-wrap: W = 4, so 16 publications wrap avail.idx; 20 requests started means ≥ 18 published.
  const wrapped = (m: Machine) => m.clients.serial.reduce((a, b) => a + b, 0) >= 20 && usedPending(m);
  const { progress } = good(wrapped, { scenario: 'virtio-wrap' });
  const v = progress.atEnd(true);
  t.is(v?.check, 'L-VQ-08');
  t.regex(v?.message ?? '', /after the indices wrapped, L-VQ-02/);
});
