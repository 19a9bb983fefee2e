/**
 * The HTML timeline's content (reports/timeline-data.ts, reports/html-timeline.ts) without a
 * browser: which runs it replays, the neighbour it picks, the lanes and items it lays out, and that
 * the page carries everything it needs inline. The browser test (html-timeline-browser.test.ts)
 * checks what Chromium draws from it.
 */
import test from 'ava';
import { findingFrom, makeSystem, replayDocument, runSeed } from '../../scenarios/operations.js';
import { labelName } from '../../sim/labels.js';
import { makeReplay, type ReplayFile } from '../../scenarios/replay-file.js';
import { timelineOf } from '../../reports/timeline-data.js';
import { lanesOf, layOut, timelineHtml } from '../../reports/html-timeline.js';
import { target, type TargetSpec } from '../helpers/system.js';

/** Seed `seed` of a failing target as the CLI writes it: the first violation, shrunk. */
function shrunkReplay(spec: TargetSpec, seed: number): ReplayFile {
  const tg = target(spec);
  const { result } = runSeed(tg, seed);
  if (!result.violation) throw new Error(`seed ${seed} of ${spec.scenario} does not fail`);
  const v = result.violation;
  return findingFrom(tg, makeSystem(tg), { check: v.check, seed, count: 1, choices: result.choices, labels: result.labels, violation: v }, 1000).replay;
}

/** Seed `seed` as a replay document, unshrunk (the whole run up to its first violation). */
function rawReplay(spec: TargetSpec, seed: number): ReplayFile {
  const tg = target(spec);
  const { result, system } = runSeed(tg, seed);
  return makeReplay({ scenario: spec.scenario, profile: tg.profile, mutants: tg.mutants, parameters: system.params, seed, choices: result.choices, labels: result.labels, violation: result.violation, traceHash: result.traceHash });
}

const FAKE_ASSETS = { script: '/* library */', style: '/* library css */' };

test('timeline: ioerr-as-ok reproduces S-BLK-05; its neighbour (the ioError fault choice back to 0) passes and the runs part where the fault struck', (t) => {
  const doc = shrunkReplay({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] }, 1);
  const tl = timelineOf(doc, 'x.replay.json');
  t.true(tl.reproduced);
  t.is(tl.failing.violation?.check, 'S-BLK-05');
  t.is(tl.failing.traceHash, doc.traceHash);
  t.is(tl.failing.events.filter((e) => e.actor !== 'fault').length, tl.failing.steps, 'every event of the run is drawn');
  const fault = tl.failing.events.find((e) => e.actor === 'fault');
  t.is(fault?.arguments.kind, 'ioError');
  t.truthy(tl.neighbour);
  t.is(tl.neighbour!.violation, null, 'the neighbour passes');
  t.is(tl.neighbour!.choices, doc.choices.length - 1);
  t.regex(tl.neighbourNote, new RegExp(`^choice ${doc.choices.length} of ${doc.choices.length} \\(fault\\.ioError\\) set from 1 back to 0$`));
  t.is(tl.divergeStep, fault!.step, 'the traces part at the step the fault struck in');
  t.not(tl.divergeStep, null);

  const fail = layOut(tl.failing, 'f');
  const failing = fail.items.filter((i) => i.kind === 'failing');
  t.is(failing.length, 1, 'one highlighted step');
  t.is(failing[0].step, tl.failing.violation!.step);
  t.true(failing[0].hover.some((l) => l.includes(tl.failing.violation!.message)), 'the check’s message on hover');
  const faults = fail.items.filter((i) => i.kind === 'fault');
  t.is(faults.length, 1);
  const faultStepEvent = tl.failing.events.find((e) => e.step === fault!.step && e.actor !== 'fault')!;
  t.is(faults[0].lane, faultStepEvent.actor, 'a fault is drawn on the lane of the event it struck in');
  const lanes = lanesOf([fail, layOut(tl.neighbour!, 'n')], [tl.failing, tl.neighbour!]);
  t.deepEqual(lanes.map((l) => l.label), ['driver', 'device', 'interrupt line', 'block clients']);
  // Annotations: the completion the mutant reports as OK is on hover and on the clients' lane.
  t.true(fail.items.some((i) => i.lane === 'client' && /^request of client \d+ \(chain \d+\) completes OK$/.test(i.text)));
});

test('timeline: a run with no non-zero choice has no neighbour, and the page says why', (t) => {
  const doc = shrunkReplay({ scenario: 'virtio-small', mutants: ['publish-before-fill'] }, 1);
  t.is(doc.choices.length, 0, 'publish-before-fill fails on the default path');
  const tl = timelineOf(doc, 'p.replay.json');
  t.is(tl.neighbour, null);
  t.is(tl.divergeStep, null);
  t.regex(tl.neighbourNote, /^no neighbour: this run makes no non-default choice/);
  const html = timelineHtml(tl, FAKE_ASSETS);
  t.regex(html, /<div id="neighbour-note" class="banner note">no neighbour: /);
  t.false(html.includes('id="timeline-neighbour"'));
});

test('timeline: a neighbour that still fails is said to fail, with its check', (t) => {
  // One choice (EVENT_IDX on); off, the mutant fails all the same.
  const doc = shrunkReplay({ scenario: 'virtio-small', mutants: ['publish-before-fill'] }, 1);
  const withChoice: ReplayFile = { ...doc, choices: [[0, 1]], labels: ['config.event-idx'] };
  const first = timelineOf(withChoice, 'c.replay.json');
  t.truthy(first.neighbour?.violation, 'the default path fails too');
  const html = timelineHtml(first, FAKE_ASSETS);
  t.regex(html, /<div id="neighbour-note" class="banner warn"><b>The neighbour still fails<\/b> \(choice 1 of 1 \(config\.event-idx\) set from 1 back to 0\): <b>S-VQ-07<\/b>/);
});

test('timeline: a process scenario gets a CPU lane per PID (named by what it execs), IPC and a lane per init service', (t) => {
  const doc = rawReplay({ scenario: 'service-crash-loop', mutants: ['ipc-dead-peer-blocks'] }, 2);
  t.is(doc.violation?.check, 'S-IPC-03');
  const tl = timelineOf(doc, 's.replay.json');
  const run = layOut(tl.failing, 'f');
  const labels = lanesOf([run], [tl.failing]).map((l) => l.label);
  for (const lane of ['driver', 'device', 'interrupt line', 'CPU · PID 1 (svcinit)', 'CPU · PID 2 (filesystem)', 'IPC', 'init · filesystem', 'init · network', 'init · display', 'init · audio', 'init · input', 'timer (IRQ0)']) {
    t.true(labels.includes(lane), `lane ${lane} (have: ${labels.join(', ')})`);
  }
  t.true(labels.indexOf('driver') < labels.indexOf('CPU · PID 1 (svcinit)') && labels.indexOf('CPU · PID 1 (svcinit)') < labels.indexOf('IPC') && labels.indexOf('IPC') < labels.indexOf('init · filesystem'), 'hardware, then CPUs, IPC, services');
  t.true(run.items.some((i) => i.lane === 'service:filesystem' && /^Starting → Running \(PID \d+\)$/.test(i.text)), 'service state changes on the service’s lane');
  t.true(run.items.some((i) => i.lane === 'ipc' && /^PID \d+ sends message #\d+ to PID 1$/.test(i.text)), 'messages on the IPC lane');
  t.true(run.items.some((i) => i.lane === 'cpu:1' && /^fork → child PID \d+$/.test(i.text)), 'a CPU step reads as what the process did');
});

test('timeline page: self-contained — the library and the data inline, nothing fetched', (t) => {
  const doc = shrunkReplay({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] }, 1);
  const tl = timelineOf(doc, 'x.replay.json');
  const html = timelineHtml(tl, { script: 'window.vis = "LIB</scr" + "ipt>";', style: '.vis-x{}' });
  t.false(/<script[^>]+src=/i.test(html), 'no external script');
  t.false(/<link[^>]+href=/i.test(html), 'no external stylesheet');
  t.true(html.includes('window.vis = "LIB'));
  t.true(html.includes('.vis-x{}'));
  const m = /<script id="timeline-data" type="application\/json">([^]*?)<\/script>/.exec(html);
  t.truthy(m);
  const data = JSON.parse(m![1]) as { lanes: Array<{ label: string }>; failing: { items: Array<{ kind: string }> }; neighbour: unknown; divergeStep: number | null };
  t.deepEqual(data.lanes.map((l) => l.label), ['driver', 'device', 'interrupt line', 'block clients']);
  t.is(data.failing.items.filter((i) => i.kind === 'failing').length, 1);
  t.truthy(data.neighbour);
  t.is(data.divergeStep, tl.divergeStep);
  t.regex(html, /<div id="violation" class="banner bad" data-step="\d+"><b>✖ S-BLK-05<\/b>/);
});

test('timeline: the neighbour resets the last non-zero choice the run used, not one listed past its end', (t) => {
  const doc = shrunkReplay({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] }, 1);
  // The run asks for more choices than the file lists (the rest are 0); list them all, as an
  // unshrunk finding does, then two non-zero ones the run never reaches.
  const { result } = replayDocument(doc);
  const labels = [...doc.labels];
  const choices: Array<[number, number]> = result.labels.map((l, i) => {
    if (i < doc.choices.length) return doc.choices[i];
    const name = labelName(l);
    if (!labels.includes(name)) labels.push(name);
    return [labels.indexOf(name), 0];
  });
  const ioError = doc.choices.length;
  const padded: ReplayFile = { ...doc, labels, choices: [...choices, [0, 1], [0, 1]] };
  const tl = timelineOf(padded, 'x.replay.json');
  t.is(tl.failing.violation?.check, 'S-BLK-05');
  t.is(tl.failing.traceHash, doc.traceHash, 'the same run');
  t.regex(tl.neighbourNote, new RegExp(`^choice ${ioError} of ${choices.length + 2} \\(fault\\.ioError\\) set from 1 back to 0$`));
  t.is(tl.neighbour?.violation, null);
});
