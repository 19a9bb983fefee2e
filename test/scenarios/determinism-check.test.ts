/**
 * The determinism self-check (scenarios/determinism.ts, `run --check-determinism`): it finds a
 * history-dependent value planted in a system and names the first step where it shows; on the
 * real model it finds none, for every scenario and both profiles.
 */
import test from 'ava';
import { checkDeterminism } from '../../scenarios/determinism.js';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { ScenarioSystem } from '../../scenarios/system.js';
import type { CheckFamily } from '../../checks/check.js';
import type { Chooser } from '../../sim/chooser.js';
import { target, type TargetSpec } from '../helpers/system.js';

/** A family that forgets to reset a run counter, and from the second run on adds a note at step 100. */
function plantAt(system: ScenarioSystem, step: number): ScenarioSystem {
  let runs = 0;
  const planted: CheckFamily = {
    checks: [{ id: 'X-PLANT', subsystem: 'planted', kind: 'safety', title: 'planted' }],
    selected: () => true,
    begin: () => {
      runs++;
    },
    afterStep: () => {
      if (runs > 1 && system.machine.sim.steps === step) system.machine.sim.note(7, 0, 0, 0);
      return null;
    },
    atEnd: () => null,
    fingerprint: () => {},
  };
  system.families.push(planted);
  return system;
}

/**
 * What the old order (families begun before the machine reset its clock) did: the service checks'
 * L-SM-05 timer starts at the previous run's end time.
 */
class OldServiceTimer extends ScenarioSystem {
  override begin(chooser: Chooser, keepTrace: number): void {
    const previousEnd = this.machine.sim.now;
    super.begin(chooser, keepTrace);
    const services = this.families.find((f) => f.checks[0]?.subsystem === 'service manager') as unknown as { iterAt: number };
    services.iterAt = previousEnd;
  }
}

const fsRead: TargetSpec = { scenario: 'fs-read' };

for (const every of [1, 16]) {
  test(`check-determinism (digest every ${every}): a planted history-dependent note is found at its step, with its event`, (t) => {
    const spec = target(fsRead);
    const report = checkDeterminism(() => plantAt(makeCampaignSystem(spec), 100), 1, 3, { every });
    t.is(report.divergences.length, 1);
    const d = report.divergences[0];
    t.is(d.seed, 1);
    t.is(d.step, 100);
    t.true(d.exact);
    t.deepEqual(d.parts, ['trace hash']);
    t.truthy(d.event);
    t.is(d.event!.step, 100);
    // Without the plant there is nothing to find.
    t.is(checkDeterminism(() => makeCampaignSystem(spec), 1, 3, { every }).divergences.length, 0);
  });
}

test('check-determinism: the old begin order (service checks read the clock before the machine resets it) is named at begin', (t) => {
  const spec = target({ scenario: 'init-small', profile: 'eclipse-b' });
  const make = () => {
    const s = new OldServiceTimer({ scenario: spec.scenario, profile: spec.profile, mutants: spec.mutants, collect: true });
    return s;
  };
  const report = checkDeterminism(make, 1, 2, { every: 16 });
  t.is(report.divergences.length, 1);
  const d = report.divergences[0];
  t.is(d.step, 0);
  t.true(d.parts.includes('checks: service manager'), d.parts.join(', '));
});

// The real model: no divergence, every scenario, both profiles (two seeds each, to keep CI short;
// `run --check-determinism` over whole campaigns is recorded in the README).
for (const scenario of SCENARIOS) {
  for (const profile of ['reference', 'eclipse-b']) {
    test(`check-determinism: ${scenario.name} (${profile}): no divergence on seeds 1-2`, (t) => {
      const spec = target({ scenario: scenario.name, profile });
      const report = checkDeterminism(() => makeCampaignSystem(spec), 1, 2, { every: 16 });
      t.deepEqual(report.divergences, []);
      t.is(report.seeds, 2);
    });
  }
}

test('cli: run --check-determinism prints no divergence and exits 0; --json gives the report', async (t) => {
  const { cli, tempDir } = await import('../helpers/cli.js');
  const dir = tempDir('check-determinism');
  const text = await cli(['run', 'fs-small', '--seeds', '3', '--check-determinism'], dir);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /3 seeds run twice \(fresh, and after another seed\)/);
  t.regex(text.stdout, /no divergence: every seed gave the same run both times/);
  const json = await cli(['run', 'fs-small', '--seeds', '3', '--check-determinism', '--json'], dir);
  t.is(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { mode: string; runs: number; divergences: unknown[] };
  t.is(doc.mode, 'check-determinism');
  t.is(doc.runs, 3);
  t.deepEqual(doc.divergences, []);
});
