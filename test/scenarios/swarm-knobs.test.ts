/**
 * Swarm knobs (scenarios/swarm-knobs.ts): declared ranges that fit their scenarios, with the
 * scenario's own value first (what index 0, the default, gives); each seed draws them, the same
 * seed the same values; they shape the run; a replay file records them and replaying reproduces
 * them exactly; exploration (swarm off) never draws them; the scenario's own parameters are
 * never written.
 */
import test from 'ava';
import { SCENARIOS } from '../../scenarios/registry.js';
import { knobProblem, type KnobKey } from '../../scenarios/swarm-knobs.js';
import type { MachineParams } from '../../model/params.js';
import { findingFrom, makeCampaignSystem, makeExplorer, replayDocument, resolveTarget, runSeed } from '../../scenarios/operations.js';
import { parseReplay, replayToText } from '../../scenarios/replay-file.js';
import { Campaign } from '../../sim/campaign.js';

function baseValue(key: KnobKey, p: MachineParams): number {
  switch (key) {
    case 'clients':
      return p.clients;
    case 'requestsPerClient':
      return p.requestsPerClient;
    case 'thinkMicrosMax':
      return Math.max(...p.thinkMicrosOptions);
    case 'fs.clients':
      return p.fs!.clients;
    case 'fs.opsPerClient':
      return p.fs!.opsPerClient;
    case 'proc.workload.children':
      return p.proc!.workload.children;
    case 'proc.workload.fanout':
      return p.proc!.workload.fanout;
    case 'faults.crash':
      return p.faults.crash;
  }
}

test('swarm knobs: every declared knob fits its scenario, its first value is the scenario’s own, and explorable scenarios have none', (t) => {
  const withKnobs = SCENARIOS.filter((s) => s.swarmKnobs && s.swarmKnobs.length > 0);
  t.true(withKnobs.length >= 6);
  for (const s of withKnobs) {
    t.true(s.params.swarm, `${s.name}: knobs need swarm`);
    t.false(s.explorable, `${s.name}: an explorable scenario keeps one workload`);
    for (const k of s.swarmKnobs!) {
      t.is(knobProblem(k, s.params), null, `${s.name} ${k.key}`);
      t.is(k.values[0], baseValue(k.key, s.params), `${s.name} ${k.key}: default first`);
    }
  }
});

test('swarm knobs: a seed draws them (same seed, same values; seeds differ), and they shape the run', (t) => {
  const tg = resolveTarget('fs-read', 'reference', []);
  const before = JSON.stringify(tg.scenario.params);
  const seen = new Map<string, number>();
  for (let seed = 1; seed <= 40; seed++) {
    const a = runSeed(tg, seed);
    const b = runSeed(tg, seed);
    const ka = a.system.knobs!.values();
    t.deepEqual(b.system.knobs!.values(), ka);
    t.is(b.result.traceHash, a.result.traceHash);
    // The first fs.clients clients made calls; the rest made none.
    const active = ka['fs.clients'];
    t.is(a.system.machine.fsClients!.active, active);
    t.is(a.system.machine.params.fs!.opsPerClient, ka['fs.opsPerClient']);
    seen.set(`${active}/${ka['fs.opsPerClient']}`, (seen.get(`${active}/${ka['fs.opsPerClient']}`) ?? 0) + 1);
  }
  t.true(seen.size >= 6, `40 seeds drew ${seen.size} combinations of 12`);
  t.is(JSON.stringify(tg.scenario.params), before, 'the scenario’s own parameters are untouched');
});

test('swarm knobs: recorded in the replay file and reproduced exactly by replay', (t) => {
  const tg = resolveTarget('orphans', 'reference', ['no-reparent']);
  const system = makeCampaignSystem(tg);
  const c = new Campaign(system);
  c.runSeeds(1, 60);
  const f = c.orderedFindings().find((x) => !x.alone)!;
  t.truthy(f, 'no-reparent is found on orphans');
  for (const budget of [0, 200]) {
    const finding = findingFrom(tg, runSeed(tg, 1).system, { ...f }, budget);
    const doc = parseReplay(replayToText(finding.replay), 'x.replay.json');
    t.truthy(doc.knobs);
    t.deepEqual(Object.keys(doc.knobs!), ['proc.workload.children', 'faults.crash']);
    const { result, system: replayed } = replayDocument(doc);
    t.deepEqual(replayed.knobs!.values(), doc.knobs);
    t.is(result.traceHash, doc.traceHash);
    t.is(result.violation?.check, f.check);
  }
});

test('swarm knobs: exploration turns swarm off and draws none', (t) => {
  const { system } = makeExplorer(resolveTarget('fs-read', 'reference', []), { maxDepth: 10, maxStates: 10, maxMemoryBytes: 1 << 20, stopAtFirstViolation: true });
  t.is(system.knobs, null);
  t.is(system.machine.fsClients!.active, 4);
});
