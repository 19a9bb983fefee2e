/**
 * Shrinking within a time budget: a finding whose budget runs out says so (stoppedBy 'time', and
 * the terminal says it is only as short as the budget allowed); once the command's budget is
 * spent, later findings are written unshrunk and say why. The budgets here (1 ms) are far below
 * one run of the whole system (tens of ms), so they run out at the first question.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, freshDirs } from '../helpers/cli.js';

const fresh = freshDirs(test);

interface Doc {
  violations: Array<{ check: string; notShrunk?: string; shrunk: { fromChoices: number; choices: number; runs?: number; stoppedBy?: string | null; seconds?: number } }>;
}

test('shrink time: --shrink-time-per-finding stops shrinking and says so; without it the same finding shrinks further', async (t) => {
  const dir = fresh('shrink-time');
  const args = ['run', 'service-crash-loop', '--mutant', 'backoff-reset-on-start', '--seed', '1', '--out', 'out'];
  // The text on stdout, the JSON document in --result: one run gives both.
  const cut = await cli([...args, '--shrink-time-per-finding', '0.001', '--result', 'cut.json'], dir);
  t.is(cut.code, 1, cut.stderr);
  const [v] = (JSON.parse(readFileSync(join(dir, 'cut.json'), 'utf8')) as Doc).violations;
  t.is(v.check, 'S-SM-05');
  t.is(v.shrunk.stoppedBy, 'time');
  t.is(v.shrunk.runs, 1, 'only the original run: time was up at the first question');
  t.is(typeof v.shrunk.seconds, 'number');
  t.regex(cut.stdout, /shrunk from \d+ choices \(step \d+\) to \d+ choices \(step \d+\), 1 run in [\d.]+ s\n {2}shrinking stopped at its time budget \(--shrink-time-per-finding \/ --shrink-time\): shrunk as far as that budget allowed\n/);

  const full = await cli([...args, '--shrink-budget', '60', '--result', 'full.json'], dir);
  const [w] = (JSON.parse(readFileSync(join(dir, 'full.json'), 'utf8')) as Doc).violations;
  t.not(w.shrunk.stoppedBy, 'time');
  t.true(w.shrunk.runs! > 1);
  t.true(w.shrunk.choices < v.shrunk.choices, `${w.shrunk.choices} < ${v.shrunk.choices} choices with the time to shrink`);
  t.notRegex(full.stdout, /time budget/);
});

test('shrink time: once --shrink-time is spent, the later findings of the command are written unshrunk, saying why', async (t) => {
  const dir = fresh('shrink-time-total');
  const r = await cli(['run', 'service-crash-loop', '--profile', 'eclipse-b', '--seeds', '1', '--workers', '1', '--shrink-time', '0.001', '--result', 'r.json', '--out', 'out'], dir);
  t.is(r.code, 1, r.stderr);
  const vs = (JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Doc).violations;
  t.true(vs.length >= 3, `${vs.length} findings`);
  t.is(vs[0].shrunk.stoppedBy, 'time');
  t.is(vs[0].notShrunk, undefined);
  for (const v of vs.slice(1)) {
    t.is(v.notShrunk, 'the shrink time budget was spent on earlier findings', v.check);
    t.is(v.shrunk.runs, undefined);
  }
  t.regex(r.stdout, /not shrunk \(the shrink time budget was spent on earlier findings\): \d+ choices/);
});
