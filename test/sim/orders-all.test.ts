/**
 * orders=all (issue 12): any pending step may go next, a timeout only when its deadline is the
 * earliest pending time, with an optional delay bound (orderDelays: how many steps a run may take
 * before the earliest pending event). The timed search (the default) orders steps by their times
 * and so never puts a step inside a one-microsecond window between two steps of another actor;
 * these tests plant races that need exactly that, and show the timed search completes without
 * finding them while orders=all finds them.
 */
import test from 'ava';
import { makeExplorer } from '../../scenarios/operations.js';
import type { ExploreResult } from '../../sim/explore.js';
import type { MachineParams } from '../../model/params.js';
import type { ScenarioSystem } from '../../scenarios/system.js';
import { INIT_RESET } from '../../model/virtio/driver-state.js';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import { target } from '../helpers/system.js';
import { cli, tempDir } from '../helpers/cli.js';

interface DriverInternals {
  eventIdx: number;
  notifiesInFlight: number;
  recheck(mode: number): void;
  endDrain(mode: number): void;
  initStep(step: number): void;
}

const driverOf = (s: ScenarioSystem) => s.machine.driver as unknown as DriverInternals;

/** Planted: with EVENT_IDX, no second look at used.idx after writing used_event. */
function noRecheck(s: ScenarioSystem): void {
  const drv = driverOf(s);
  const recheck = drv.recheck.bind(drv);
  drv.recheck = (mode: number) => (drv.eventIdx === 1 ? drv.endDrain(mode) : recheck(mode));
}

/** Planted: recovery resets the device without waiting for a submitter's notify still to be written. */
function noQuiesce(s: ScenarioSystem): void {
  const drv = driverOf(s);
  const initStep = drv.initStep.bind(drv);
  drv.initStep = (step: number) => {
    if (step !== INIT_RESET) return initStep(step);
    const pending = drv.notifiesInFlight;
    drv.notifiesInFlight = 0;
    initStep(step);
    drv.notifiesInFlight = pending;
  };
}

function explore(overrides: Partial<MachineParams>, plant?: (s: ScenarioSystem) => void): ExploreResult {
  const { explorer, system } = makeExplorer(target({ scenario: 'virtio-small', overrides: { clients: 2, ...overrides } }), { maxDepth: 2000, maxStates: 3_000_000, maxMemoryBytes: 1 << 30, stopAtFirstViolation: true });
  plant?.(system);
  while (!explorer.advance(2000)) {
    // to the end or the first violation
  }
  return explorer.result;
}

test('a publish between the handler’s last read and its used_event write: missed by the timed search, found by orders=all with one delay', (t) => {
  const timed = explore({}, noRecheck);
  t.true(timed.complete);
  t.is(timed.violations.length, 0);
  const all = explore({ orders: 'all', orderDelays: 1 }, noRecheck);
  t.is(all.stoppedBy, 'violation');
  t.is(all.violations[0].violation.check, 'L-VQ-02', all.violations[0].violation.message);
});

test('recovery racing a notify written outside the lock: missed by the timed search, found by orders=all (three delays)', (t) => {
  const timed = explore({}, noQuiesce);
  t.true(timed.complete);
  t.is(timed.violations.length, 0);
  const all = explore({ orders: 'all', orderDelays: 3 }, noQuiesce);
  t.is(all.stoppedBy, 'violation');
  t.is(all.violations[0].violation.check, 'S-VQ-18', all.violations[0].violation.message);
});

test('orders=all with no delays is the timed search; each delay allowed only adds states; reference is clean with one', (t) => {
  const timed = explore({});
  const zero = explore({ orders: 'all', orderDelays: 0 });
  const one = explore({ orders: 'all', orderDelays: 1 });
  t.true(timed.complete && zero.complete && one.complete);
  t.is(zero.states, timed.states);
  t.is(zero.transitions, timed.transitions);
  t.true(one.states > timed.states, `${one.states} states with one delay, ${timed.states} timed`);
  t.is(one.violations.length, 0);
});

test('random runs in orders=all: reference is clean on virtio-stress', (t) => {
  const system = makeCampaignSystem(target({ scenario: 'virtio-stress', overrides: { orders: 'all' } }));
  const c = new Campaign(system);
  c.runSeeds(1, 61);
  t.deepEqual(c.orderedFindings().map((f) => `${f.check} seed ${f.seed}: ${f.violation.message}`), []);
});

test('orders=all is refused where the model reads the clock, and orderDelays needs it: one line, exit 2', async (t) => {
  const dir = tempDir('orders');
  const proc = await cli(['explore', 'proc-small', '--orders', 'all'], dir);
  t.is(proc.code, 2);
  t.regex(proc.stderr, /orders=all needs a model that does not read the clock/);
  t.is(proc.stderr.trim().split('\n').length, 1);
  const delays = await cli(['explore', 'virtio-small', '--set', 'orderDelays=1'], dir);
  t.is(delays.code, 2);
  t.regex(delays.stderr, /orderDelays bounds orders=all/);
  const json = await cli(['explore', 'virtio-small', '--orders', 'all', '--set', 'orderDelays=0', '--set', 'clients=1', '--json'], dir);
  t.is(json.code, 0, json.stderr);
  t.is((JSON.parse(json.stdout) as { orders: string }).orders, 'all');
});

/**
 * Every timed path is an orders=all path (option 0 everywhere, no delay taken), so what the timed
 * search finds the wider one must find too. The zoo mutants that timed exploration of virtio-small
 * finds (bench/shortest.ts), each on the scope where it is found quickly.
 */
const FOUND_BY_TIMED: Array<{ mutant: string; overrides?: Partial<MachineParams> }> = [
  { mutant: 'publish-before-fill' },
  { mutant: 'idx-before-status' },
  { mutant: 'leak-on-error' },
  { mutant: 'double-complete' },
  { mutant: 'event-idx-off-by-one', overrides: { eventIdx: 'on' } },
  { mutant: 'single-pop-per-irq' },
  { mutant: 'spurious-irq-assert' },
  { mutant: 'kick-before-driver-ok' },
  { mutant: 'ioerr-as-ok' },
  { mutant: 'sector-units' },
];

function exploreMutant(mutant: string, overrides: Partial<MachineParams>): ExploreResult {
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small', mutants: [mutant], overrides }), { maxDepth: 2000, maxStates: 1_000_000, maxMemoryBytes: 1 << 30, stopAtFirstViolation: true });
  while (!explorer.advance(2000)) {
    // to the first violation
  }
  return explorer.result;
}

test('every VirtIO zoo mutant the timed search finds on virtio-small, orders=all (one delay) finds by the same check', (t) => {
  for (const { mutant, overrides } of FOUND_BY_TIMED) {
    const timed = exploreMutant(mutant, overrides ?? {});
    const all = exploreMutant(mutant, { ...overrides, orders: 'all', orderDelays: 1 });
    t.is(timed.stoppedBy, 'violation', mutant);
    t.is(all.stoppedBy, 'violation', mutant);
    t.is(all.violations[0]?.violation.check, timed.violations[0]?.violation.check, mutant);
  }
});
