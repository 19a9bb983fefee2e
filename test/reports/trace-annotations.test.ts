/**
 * `replay --trace` says what each event did (reports/trace-annotations.ts): the lines come from the
 * probes of each step and init's service table, and watching never changes the run.
 */
import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceAnnotator } from '../../reports/trace-annotations.js';
import { replayDocument, resolveTarget, runSeed } from '../../scenarios/operations.js';
import { makeReplay, replayToText, type ReplayFile } from '../../scenarios/replay-file.js';
import { cli, tempDir } from '../helpers/cli.js';

/** Seed `seed` of `scenario` on `profile` as a replay document (no violation recorded). */
function replayOf(scenario: string, profile: 'reference' | 'eclipse-b', seed: number): ReplayFile {
  const { result, system } = runSeed(resolveTarget(scenario, profile, []), seed);
  return makeReplay({ scenario, profile, mutants: [], parameters: system.params, seed, choices: result.choices, labels: result.labels, violation: result.violation, traceHash: result.traceHash });
}

const allLines = (a: TraceAnnotator) => [...a.lines.values()].flat();

test('trace annotations: a reference boot reads as what happened — init starts all five services, forks, execs, IPC', (t) => {
  const doc = replayOf('boot', 'reference', 1);
  const notes = new TraceAnnotator();
  const { result } = replayDocument(doc, 0, undefined, notes.observe);
  t.is(result.traceHash, doc.traceHash, 'watching does not change the run');
  const lines = allLines(notes);
  t.true(lines.includes('PID 1 created by the kernel at boot'), lines.slice(0, 5).join('\n'));
  for (const name of ['filesystem', 'network', 'display', 'audio', 'input']) {
    t.true(lines.some((l) => l.startsWith(`init: ${name} Stopped → Starting`)), `${name} starts`);
    t.true(lines.some((l) => new RegExp(`^init: ${name} Starting → Running \\(PID \\d+\\)$`).test(l)), `${name} becomes Running`);
  }
  t.true(lines.some((l) => /^PID 1: fork → child PID \d+$/.test(l)));
  t.true(lines.some((l) => /^PID \d+: exec → now runs filesystem$/.test(l)));
  t.true(lines.some((l) => /^IPC: PID \d+ sends message #\d+ to PID 1$/.test(l)), 'READY messages to init');
  t.true(lines.some((l) => /^IPC: PID 1 receives message #\d+ from PID \d+$/.test(l)));
  t.true(lines.some((l) => /^scheduler: PID \d+ gets the CPU$/.test(l)));
  t.false(lines.some((l) => /: (fork|wait|exit|exec)$/.test(l)), 'calls whose outcome has its own line get no second one');
  // Every annotated step is a step of the run.
  for (const step of notes.lines.keys()) t.true(step >= 1 && step <= result.steps, `step ${step}`);
});

test('trace annotations: the eclipse-b table filling is spelled out at the failing fork', (t) => {
  // Seed 4 of service-crash-loop on eclipse-b fills the table (test/scenarios/eclipse-b-churn.test.ts).
  const tg = resolveTarget('service-crash-loop', 'eclipse-b', []);
  const { result, system } = runSeed({ ...tg, checks: ['S-PM-13'] }, 4);
  t.is(result.violation?.check, 'S-PM-13', result.violation?.message);
  const doc = makeReplay({ scenario: tg.scenario.name, profile: 'eclipse-b', mutants: [], parameters: system.params, seed: 4, choices: result.choices, labels: result.labels, violation: result.violation, traceHash: result.traceHash, checks: ['S-PM-13'] });
  const notes = new TraceAnnotator();
  const replayed = replayDocument(doc, 0, undefined, notes.observe).result;
  t.is(replayed.traceHash, result.traceHash);
  t.regex(notes.at(result.violation!.step).join('\n'), /^PID \d+: fork fails \(EAGAIN\), 64 of 64 slots taken$/m);
  const lines = allLines(notes);
  t.true(lines.some((l) => /^init: \w+ Starting → Running \(PID \d+\)$/.test(l)), 'eclipse-b init marks Running at fork');
  t.true(lines.some((l) => /^PID \d+ ends: exit\(0\) \(parent PID \d+\)$/.test(l)), 'helpers exit');
  t.true(lines.some((l) => /^PID \d+: wait\(any\) → \d+$/.test(l)), 'services collect a helper');
});

test('cli: replay --trace shows each step’s annotations under it, and the PID of each CPU step', async (t) => {
  const dir = tempDir('trace-annotations');
  try {
    writeFileSync(join(dir, 'boot.replay.json'), replayToText(replayOf('boot', 'reference', 1)));
    const r = await cli(['replay', 'boot.replay.json', '--trace'], dir);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    t.true(lines.some((l) => /^\s+\d+\s+\d+\s+cpu\s+cpu\.step\s+slot=\d+ pid=\d+$/.test(l)), 'cpu.step names its process');
    const i = lines.findIndex((l) => /· init: filesystem Starting → Running/.test(l));
    t.true(i > 0, 'an annotation line');
    // An annotation follows the event line of its step (or another annotation of it).
    t.regex(lines[i - 1], /^\s+\d+\s+\d+\s+\S+\s+\S+|·/);
    const json = await cli(['replay', 'boot.replay.json', '--trace', '--json'], dir);
    const full = JSON.parse(json.stdout) as { trace: Array<{ step: number; event: string; annotations: string[] }>; steps: number };
    t.true(full.trace.some((e) => e.event === 'cpu.step' && e.annotations.some((a) => a.startsWith('PID 1: fork → child PID'))));

    // --last n: only the last n events, each with its annotations, after a line counting the rest.
    const tail = await cli(['replay', 'boot.replay.json', '--trace', '--last', '5'], dir);
    t.is(tail.code, 0, tail.stderr);
    const eventSteps = tail.stdout.split('\n').filter((l) => /^\s+\d+\s+\d+\s{2}\S/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    t.deepEqual([...new Set(eventSteps)], [full.steps - 4, full.steps - 3, full.steps - 2, full.steps - 1, full.steps]);
    t.regex(tail.stdout, new RegExp(`… ${(full.steps - 5).toLocaleString('en-US')} earlier events \\(--last 5\\)`));
    const tailJson = JSON.parse((await cli(['replay', 'boot.replay.json', '--trace', '--last', '5', '--json'], dir)).stdout) as { trace: Array<{ step: number }> };
    t.deepEqual([...new Set(tailJson.trace.map((e) => e.step))], [full.steps - 4, full.steps - 3, full.steps - 2, full.steps - 1, full.steps]);
    const alone = await cli(['replay', 'boot.replay.json', '--last', '5'], dir);
    t.is(alone.code, 2);
    t.is(alone.stderr.trim(), 'eclipse-sim: --last goes with --trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
