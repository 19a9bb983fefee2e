/**
 * `node dist/bench/tie-structure.js <scenario> <mutant> [checks|-] [seeds] [failures]`: what decides
 * a mutant's failure, ties or other choices. For the first failing random seeds (up to `failures`
 * among seeds 1..`seeds`) it flips each recorded choice alone (0 ↔ 1), replays the rest as
 * recorded, and counts the choices whose flip ends the failure: decisive ties (an order PCT could
 * impose) against decisive other choices (latencies, faults: drawn alike by random and PCT).
 * Prints figures; asserts nothing. The README's PCT section quotes it.
 */
import { runOnce } from '../sim/run.js';
import { L_TIE } from '../sim/labels.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import { ReplayStrategy } from '../sim/strategy/replay.js';
import { makeSystem, resolveTarget, type Target } from '../scenarios/operations.js';

const [scenario, mutant, only = '-', seedsArg = '80', wantArg = '6'] = process.argv.slice(2);
if (!scenario || !mutant) {
  process.stderr.write('usage: node dist/bench/tie-structure.js <scenario> <mutant> [checks|-] [seeds] [failures]\n');
  process.exit(2);
}
const t0 = resolveTarget(scenario, 'reference', [mutant]);
const t: Target = only === '-' ? t0 : { ...t0, checks: only.split(',') };
const system = makeSystem(t);
let shown = 0;
for (let seed = 1; seed <= Number(seedsArg) && shown < Number(wantArg); seed++) {
  const r = runOnce(system, new RandomStrategy(seed));
  if (!r.violation) continue;
  shown++;
  let ties = 0;
  let decisiveTies = 0;
  let others = 0;
  let decisiveOthers = 0;
  for (let i = 0; i < r.choices.length; i++) {
    const tie = r.labels[i] === L_TIE;
    if (tie) ties++;
    else others++;
    const flipped = [...r.choices];
    flipped[i] = flipped[i] === 0 ? 1 : 0;
    const f = runOnce(system, new ReplayStrategy(flipped, null, false));
    if (f.violation?.check === r.violation.check) continue;
    if (tie) decisiveTies++;
    else decisiveOthers++;
  }
  process.stdout.write(`${scenario} seed ${seed}: ${r.violation.check} at step ${r.violation.step}; ${decisiveTies} of ${ties} ties and ${decisiveOthers} of ${others} other choices decisive\n`);
}
