/**
 * orders=all (issue 12): any pending step may go next, a timeout only when its deadline is the
 * earliest pending time, with an optional delay bound (orderDelays: how many steps a run may take
 * before the earliest pending event). The timed search (the default) orders steps by their times
 * and so never puts a step inside a one-microsecond window between two steps of another actor;
 * these tests plant races that need exactly that, and show the timed search completes without
 * finding them while orders=all finds them.
 */
import test, { type ExecutionContext } from 'ava';
import type { ExploreResult } from '../../sim/explore.js';
import type { MachineParams } from '../../model/params.js';
import type { ScenarioSystem } from '../../scenarios/system.js';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import { target } from '../helpers/system.js';
import { exploreToEnd } from '../helpers/scenario-runs.js';
import { cli, tempDir } from '../helpers/cli.js';
import { noQuiesce, noRecheckWhen } from '../helpers/planted-driver-bugs.js';

/** Planted: with EVENT_IDX, no second look at used.idx after writing used_event. */
const noRecheck = (s: ScenarioSystem) => noRecheckWhen(s, 1);

function explore(overrides: Partial<MachineParams>, plant?: (s: ScenarioSystem) => void): ExploreResult {
  return exploreToEnd(target({ scenario: 'virtio-small', overrides: { clients: 2, ...overrides } }), plant).result;
}

/** The timed search completes without a violation; orders=all with `delays` finds `check`. */
function missedByTimedFoundByAll(t: ExecutionContext, plant: (s: ScenarioSystem) => void, delays: number, check: string): void {
  const timed = explore({}, plant);
  t.true(timed.complete);
  t.is(timed.violations.length, 0);
  const all = explore({ orders: 'all', orderDelays: delays }, plant);
  t.is(all.stoppedBy, 'violation');
  t.is(all.violations[0].violation.check, check, all.violations[0].violation.message);
}

test('a publish between the handler’s last read and its used_event write: missed by the timed search, found by orders=all with one delay', (t) => {
  missedByTimedFoundByAll(t, noRecheck, 1, 'L-VQ-02');
});

test('recovery racing a notify written outside the lock: missed by the timed search, found by orders=all (three delays)', (t) => {
  missedByTimedFoundByAll(t, noQuiesce, 3, 'S-VQ-18');
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
  return exploreToEnd(target({ scenario: 'virtio-small', mutants: [mutant], overrides })).result;
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
