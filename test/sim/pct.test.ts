import test from 'ava';
import fc from 'fast-check';
import { Chooser } from '../../sim/chooser.js';
import { L_TIE, label, labelId } from '../../sim/labels.js';
import { runOnce } from '../../sim/run.js';
import { PctStrategy, pctGuarantee } from '../../sim/strategy/pct.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { ReplayStrategy } from '../../sim/strategy/replay.js';
import { Campaign } from '../../sim/campaign.js';
import { findingFrom, makeCampaignSystem, makeSystem, replayDocument, runSeed } from '../../scenarios/operations.js';
import { actorTable, pctRange, pctReport, pctText, strategyOf } from '../../scenarios/strategies.js';
import { ActorToy, toyActors } from '../helpers/toy-actors.js';
import { bEarlierEveryRound, DELAY_TOY_ACTORS, DelayToy, L_TOY_DELAY } from '../helpers/delay-toy.js';
import { holds, target } from '../helpers/system.js';

const pct = (seed: number, depth: number, actors: number, range: number) => new PctStrategy(seed, { depth, actorOf: toyActors(actors), actorCount: actors, range });

/** The toy's order under `s`, with the run's choices. */
function toyRun(s: PctStrategy | RandomStrategy, actors = 4, rounds = 6): { order: number[]; choices: number[] } {
  const toy = new ActorToy(actors, rounds);
  const r = runOnce(toy, s);
  return { order: [...toy.order], choices: r.choices };
}

test('pct: the same seed gives the same run; seeds differ in their priorities', (t) => {
  holds(
    t,
    fc.property(fc.nat(), fc.integer({ min: 1, max: 4 }), (seed, depth) => {
      const a = toyRun(pct(seed, depth, 4, 18));
      const b = toyRun(pct(seed, depth, 4, 18));
      return JSON.stringify(a) === JSON.stringify(b);
    }),
  );
  const firstRounds = new Set(Array.from({ length: 60 }, (_, seed) => toyRun(pct(seed, 1, 4, 18)).order.slice(0, 4).join(',')));
  t.true(firstRounds.size >= 12, `${firstRounds.size} of the 24 orders of four actors over 60 seeds`);
});

test('pct: at depth 1 every tie goes to the highest-priority actor, every round alike', (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const s = pct(seed, 1, 4, 18);
    const byPriority = [0, 1, 2, 3].sort((x, y) => s.priorityOf(y) - s.priorityOf(x));
    const { order } = toyRun(s);
    t.is(order.length, 24);
    for (let round = 0; round < 6; round++) t.deepEqual(order.slice(round * 4, round * 4 + 4), byPriority, `seed ${seed} round ${round}`);
    // Initial priorities are d .. d+n−1, one each.
    t.deepEqual([0, 1, 2, 3].map((a) => s.priorityOf(a)).sort(), [1, 2, 3, 4]);
    t.deepEqual(s.measure(), { actors: 4, tiePoints: 18, delayPoints: 0 }, 'three ties a round (the last actor is due alone)');
  }
});

test('pct: several events of the winning actor go in scheduling order', (t) => {
  const s = new PctStrategy(3, { depth: 1, actorOf: Int32Array.from([0, 0, 1]), actorCount: 2, range: 10 });
  const top = s.priorityOf(0) > s.priorityOf(1) ? 0 : 1;
  // kinds 0 and 1 are both actor 0, kind 2 is actor 1
  const answer = s.nextTie(Int32Array.from([2, 1, 0]), 3);
  t.is(answer, top === 0 ? 1 : 0, 'the first-scheduled event of the top actor');
  t.is(s.measure().actors, 2);
});

test('pct: a change point lowers the would-be winner below every initial priority at that tie', (t) => {
  let changed = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const d2 = pct(seed, 2, 4, 18);
    const point = d2.changePoints[0];
    t.true(point >= 1 && point <= 18);
    const d1 = pct(seed, 1, 4, 18);
    const before = [0, 1, 2, 3].map((a) => d1.priorityOf(a));
    const initial = [0, 1, 2, 3].map((a) => d2.priorityOf(a));
    t.deepEqual(initial, before.map((p) => p + 1), 'the same seed draws the same initial order at any depth (priorities d .. d+n−1)');
    const a = toyRun(d1).choices;
    const b = toyRun(d2).choices;
    t.deepEqual(b.slice(0, point - 1), a.slice(0, point - 1), `seed ${seed}: the same ties before the change point`);
    t.not(b[point - 1], a[point - 1], `seed ${seed}: the change point's tie goes another way`);
    const demoted = [0, 1, 2, 3].filter((x) => d2.priorityOf(x) !== initial[x]);
    t.is(demoted.length, 1);
    t.is(d2.priorityOf(demoted[0]), 1, 'the first change point sets d − 1');
    t.true([0, 1, 2, 3].every((x) => x === demoted[0] || d2.priorityOf(x) > 1));
    changed++;
  }
  t.is(changed, 40);
  // d − 1 change points, the i-th at priority d − i.
  const d4 = pct(5, 4, 4, 18);
  t.is(d4.changePoints.length, 3);
  toyRun(d4);
  const low = [0, 1, 2, 3].map((a) => d4.priorityOf(a)).filter((p) => p < 4);
  t.true(low.every((p) => p >= 1 && p <= 3), `lowered priorities ${low.join(', ')} are among d − i`);
});

test('pct: choices other than ties are the random strategy of the same seed', (t) => {
  const L = label('test.pct.other');
  holds(
    t,
    fc.property(fc.nat(), fc.array(fc.integer({ min: 2, max: 50 }), { minLength: 1, maxLength: 40 }), (seed, ns) => {
      const p = pct(seed, 3, 4, 10);
      const r = new RandomStrategy(seed);
      return ns.every((n, i) => p.next(L, n, i % 3 === 0 ? 0.3 : -1) === r.next(L, n, i % 3 === 0 ? 0.3 : -1));
    }),
  );
});

test('pct: ties are recorded as ordinary engine.tie choices; a strategy without nextTie is asked next', (t) => {
  const s = pct(2, 2, 3, 8);
  const ch = new Chooser(s);
  const v = ch.chooseTie(Int32Array.from([0, 1, 2]), 3);
  t.deepEqual(ch.log.labelsArray(), [L_TIE]);
  t.deepEqual(ch.log.valuesArray(), [v]);
  t.is(ch.chooseTie(Int32Array.from([1]), 1), 0, 'one event due is no choice');
  t.is(ch.log.length, 1);
  const asked: string[] = [];
  const plain = new Chooser({ next: (l, n) => (asked.push(`${l}:${n}`), n - 1) });
  t.is(plain.chooseTie(Int32Array.from([4, 5]), 2), 1);
  t.deepEqual(asked, [`${L_TIE}:2`]);
});

test('pct: the guarantee is 1/(n·k^(d−1)), k counting ties and delays alike', (t) => {
  t.is(pctGuarantee(4, 100, 1), 1 / 4);
  t.is(pctGuarantee(4, 100, 2), 1 / 400);
  t.is(pctGuarantee(3, 10, 3), 1 / 300);
  t.is(pctGuarantee(0, 0, 2), 1, 'no actor or no scheduling point: at least one of each');
  const stats = (maxActors: number, maxTiePoints: number, maxDelayPoints: number, maxPoints: number) => ({ maxActors, maxTiePoints, tiePoints: 10 * maxTiePoints, maxDelayPoints, maxPoints });
  const r = pctReport({ name: 'pct', depth: 3, range: 50 }, stats(5, 25, 20, 40))!;
  t.is(r.guarantee, 1 / (5 * 50 ** 2), 'k is the range when the runs had fewer scheduling points');
  t.false(r.rangeExceeded);
  const over = pctReport({ name: 'pct', depth: 2, range: 30 }, stats(4, 30, 35, 60))!;
  t.is(over.guarantee, 1 / (4 * 60), 'k is the 60 scheduling points of the longest run, not its 30 ties');
  t.true(over.rangeExceeded);
  t.deepEqual([over.tiePoints, over.delayPoints, over.schedulingPoints], [30, 35, 60]);
  t.regex(
    pctText(over),
    /^PCT depth 2: n = 4 actors and threads, k = 60 scheduling points \(ties and delays: most in one run 60, of which at most 30 ties and 35 delays; change points drawn over 1\.\.30\); one run finds a bug of depth 2 with probability ≥ 1\/\(n·k\^\(d−1\)\) = 0\.00417; a run had more scheduling points than the range/,
  );
  t.is(pctReport({ name: 'random' }, stats(0, 0, 0, 0)), undefined);
});

test('pct: k counts every tie and every delay of a run: the measure matches the choice log', (t) => {
  const delayLabels = ['device.latency', 'client.think', 'irq.delay', 'irq.spurious-delay', 'cpu.step-time', 'power.delay'].map((n) => labelId(n));
  for (const scenario of ['virtio-smoke', 'virtio-stress', 'init-small']) {
    const system = makeSystem(target({ scenario }));
    const { actorOf, names } = actorTable(system);
    for (const seed of [1, 2]) {
      const s = new PctStrategy(seed, { depth: 2, actorOf, actorCount: names.length, range: 30 });
      const r = runOnce(system, s);
      const ties = r.labels.filter((l) => l === L_TIE).length;
      const delays = r.labels.filter((l) => delayLabels.includes(l)).length;
      t.deepEqual([s.measure().tiePoints, s.measure().delayPoints], [ties, delays], `${scenario} seed ${seed}`);
      if (scenario !== 'init-small') t.true(delays > 0, `${scenario} has delays`);
    }
  }
});

test('pct: a delay goes by rank, shortest for a thread above all its competitors, longest below all', (t) => {
  const opts = [20, 5, 10]; // unsorted: the strategy ranks by value
  const byLength = [5, 10, 20];
  const branches = new Set<string>();
  for (let seed = 1; seed <= 60; seed++) {
    const s = new PctStrategy(seed, { depth: 1, actorOf: Int32Array.from([0, 1, 2, 3]), actorCount: 4, range: 10 });
    // No delayed step is due: the other actors are the competitors.
    const v = s.nextDelay!(L_TOY_DELAY, opts, 0, 7, 0, 0);
    const p7 = s.threadPriority(0, 7)!;
    const q = [1, 2, 3].filter((a) => s.priorityOf(a) < p7).length / 3;
    t.is(opts[v], byLength[Math.round((1 - q) * 2)], `seed ${seed}: q = ${q}`);
    // A second thread while the first one's step is still due: that step is its one competitor.
    const w = s.nextDelay!(L_TOY_DELAY, opts, 0, 8, 1, 1);
    const p8 = s.threadPriority(0, 8)!;
    t.is(opts[w], p8 > p7 ? 5 : 20, `seed ${seed}`);
    branches.add(p8 > p7 ? 'above' : 'below');
    // Long after both are due, the actors are the competitors again.
    const x = s.nextDelay!(L_TOY_DELAY, opts, 1, 9, 1000, 2);
    const p9 = s.threadPriority(1, 9)!;
    const q9 = [0, 2, 3].filter((a) => s.priorityOf(a) < p9).length / 3;
    t.is(opts[x], byLength[Math.round((1 - q9) * 2)], `seed ${seed}`);
    t.deepEqual(s.measure(), { actors: 7, tiePoints: 0, delayPoints: 3 }, 'four actors and three threads took part; three delay points');
  }
  t.deepEqual([...branches].sort(), ['above', 'below'], 'a new thread is ranked at random against the old one');
});

test('pct: a change point at a delay lowers the thread that decides it below everyone: the longest option', (t) => {
  const s = new PctStrategy(3, { depth: 2, actorOf: Int32Array.from([0, 1, 2, 3]), actorCount: 4, range: 1 });
  t.deepEqual(s.changePoints, [1], 'the range has one scheduling point');
  t.is(s.nextDelay!(L_TOY_DELAY, [5, 20, 10], 0, 0, 0, 0), 1, 'the longest, 20');
  t.is(s.threadPriority(0, 0), 1, 'd − 1');
  for (let i = 1; i < 5; i++) t.is(s.nextDelay!(L_TOY_DELAY, [5, 20, 10], 0, 0, 100 * i, i), 1, 'and from then on');
  // a tie after it: the actors keep their initial order, the change point was spent on the delay
  const initial = [0, 1, 2, 3].map((a) => s.priorityOf(a));
  t.true(initial.every((p) => p >= 2), 'actors keep initial priorities d .. d+n−1');
  t.is(s.nextTie(Int32Array.from([0, 1, 2, 3]), 4), initial.indexOf(Math.max(...initial)));
  t.deepEqual(s.measure(), { actors: 5, tiePoints: 1, delayPoints: 5 }, 'the thread and the four actors');
});

test('pct: a toy bug that needs one actor’s step delayed past another’s every round: PCT finds it far more often than random', (t) => {
  // B must step before A, at an earlier instant, in each of six rounds: only the two delays can
  // do it (B's 1 µs against A's 10), which random meets with 4^-6 per run; PCT whenever B's thread
  // outranks A's (its delay is then the shortest) and A's takes the longer one.
  const rounds = 6;
  const toy = new DelayToy(rounds, [10, 1], bEarlierEveryRound(rounds));
  const opts = (depth: number, delays = true) => ({ depth, actorOf: DELAY_TOY_ACTORS, actorCount: 3, range: 20, delays });
  const found = { pct: 0, pct3: 0, tiesOnly: 0, random: 0 };
  for (let seed = 1; seed <= 200; seed++) {
    if (runOnce(toy, new PctStrategy(seed, opts(1))).violation) found.pct++;
    if (runOnce(toy, new PctStrategy(seed, opts(3))).violation) found.pct3++;
    if (runOnce(toy, new PctStrategy(seed, opts(1, false))).violation) found.tiesOnly++;
    if (runOnce(toy, new RandomStrategy(seed)).violation) found.random++;
  }
  t.log(`of 200 seeds: PCT d=1 ${found.pct}, d=3 ${found.pct3}, PCT over ties only ${found.tiesOnly}, random ${found.random}`);
  t.true(found.pct >= 50, `PCT d=1: ${found.pct}`);
  t.true(found.pct3 >= 30, `PCT d=3: ${found.pct3}`);
  t.true(found.random <= 12, `random: ${found.random}`);
  t.true(found.tiesOnly <= 12, `PCT over ties only draws the delays as random does: ${found.tiesOnly}`);
});

test('pct: with delays on, the same seed gives the same run (toy and machine); without, delays are random’s', (t) => {
  holds(
    t,
    fc.property(fc.nat(), fc.integer({ min: 1, max: 4 }), (seed, depth) => {
      const run = () => {
        const toy = new DelayToy(8, [1, 3, 10]);
        const r = runOnce(toy, new PctStrategy(seed, { depth, actorOf: DELAY_TOY_ACTORS, actorCount: 3, range: 24 }));
        return JSON.stringify([toy.order, r.choices, r.traceHash]);
      };
      return run() === run();
    }),
  );
  const system = makeSystem(target({ scenario: 'virtio-smoke' }));
  const { actorOf, names } = actorTable(system);
  const hashes = new Set<string>();
  for (const seed of [1, 2, 3]) {
    const run = () => runOnce(system, new PctStrategy(seed, { depth: 3, actorOf, actorCount: names.length, range: 30 }));
    const a = run();
    const b = run();
    t.is(a.traceHash, b.traceHash, `seed ${seed}`);
    t.deepEqual(a.choices, b.choices);
    hashes.add(a.traceHash);
  }
  t.is(hashes.size, 3, 'seeds differ');
  // delays: false is PCT over ties only: no nextDelay, and the delays are the random stream's draws
  const tiesOnly = new PctStrategy(4, { depth: 2, actorOf: DELAY_TOY_ACTORS, actorCount: 3, range: 24, delays: false });
  t.is(tiesOnly.nextDelay, undefined);
  const toy = new DelayToy(8, [1, 3, 10]);
  const r = runOnce(toy, tiesOnly);
  const delays = r.choices.filter((_, i) => r.labels[i] === L_TOY_DELAY);
  const random = new RandomStrategy(4);
  t.deepEqual(delays, delays.map(() => random.next(L_TOY_DELAY, 3, -1)));
  t.is(delays.length, 16);
});

test('pct: a toy bug of depth 1 that random rarely meets is found by PCT on most seeds', (t) => {
  // Actor 3 must lose all six of its rounds' ties to actor 0: one ordering constraint held
  // throughout, random's 2^-6 per run against PCT's 1/2 (the chance actor 0 outranks actor 3).
  const bad = (o: readonly number[]) => o.length === 24 && [0, 1, 2, 3, 4, 5].every((r) => o.slice(r * 4, r * 4 + 4).indexOf(0) < o.slice(r * 4, r * 4 + 4).indexOf(3));
  const toy = new ActorToy(4, 6, bad);
  let pctFound = 0;
  let randomFound = 0;
  for (let seed = 1; seed <= 200; seed++) {
    if (runOnce(toy, pct(seed, 1, 4, 18)).violation) pctFound++;
    if (runOnce(toy, new RandomStrategy(seed)).violation) randomFound++;
  }
  t.log(`found by PCT in ${pctFound} of 200 seeds, by random in ${randomFound}`);
  t.true(pctFound > 70 && pctFound < 130, `PCT: ${pctFound}`);
  t.true(randomFound < 20, `random: ${randomFound}`);
});

test('pct: actors come from the machine’s event tables, one number per actor', (t) => {
  const system = makeSystem(target({ scenario: 'virtio-smoke' }));
  const { actorOf, names } = actorTable(system);
  t.true(names.includes('driver') && names.includes('device') && names.includes('irq'), names.join(', '));
  t.is(new Set(names).size, names.length);
  const events = system.machine.events.events;
  for (let kind = 0; kind < events.length; kind++) {
    const d = events[kind];
    t.is(actorOf[kind], d ? names.indexOf(d.actor) : -1);
  }
});

test('pct: a violation PCT finds on a real scenario replays exactly from its file', (t) => {
  const tg = { ...target({ scenario: 'virtio-smoke', mutants: ['publish-before-fill'] }), checks: ['S-VQ-03', 'S-BLK-04'] };
  const cs = makeCampaignSystem(tg);
  const spec = { name: 'pct' as const, depth: 2, range: pctRange(cs) };
  const campaign = new Campaign(cs, strategyOf(spec, cs));
  campaign.runSeeds(1, 61);
  const f = campaign.orderedFindings()[0];
  t.truthy(f, 'PCT finds the early publish within 60 seeds');
  t.true(campaign.ties.maxActors >= 3 && campaign.ties.maxTiePoints > 0);
  // the seed's own run (not collect mode) gives the same first violation
  const again = runSeed({ ...tg, strategy: spec }, f.seed);
  t.is(again.result.violation?.check, f.check);
  t.is(again.result.violation?.step, f.violation.step);
  t.true((again.ties?.maxActors ?? 0) >= 3, 'a single PCT run reports its measure');
  // unshrunk and shrunk, the replay file reproduces the violation at its step
  for (const budget of [0, 200]) {
    const finding = findingFrom(tg, makeSystem(tg), { ...f }, budget);
    const { result } = replayDocument(finding.replay);
    t.is(result.violation?.check, finding.check, `budget ${budget}`);
    t.is(result.violation?.step, finding.violation.step);
    t.is(result.traceHash, finding.replay.traceHash);
  }
  // and the raw choices through the replay strategy give the same run as PCT did
  const r = runOnce(makeSystem(tg), new ReplayStrategy(f.choices, f.labels, true));
  t.is(r.violation?.check, f.check);
  t.is(r.violation?.step, f.violation.step);
});
