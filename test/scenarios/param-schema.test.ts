import test from 'ava';
import { SCENARIOS, findScenario } from '../../scenarios/registry.js';
import { ALL_PARAMS, applySettings, applySettingValues, closeKeys, paramsSchema, paramValue, rangeText, scenarioParams, ScopeError } from '../../scenarios/param-schema.js';
import { InputError, makeSystem, resolveTarget, withSettings } from '../../scenarios/operations.js';
import { parseReplay, replayToText, makeReplay, ReplayFileError } from '../../scenarios/replay-file.js';

const small = findScenario('virtio-small')!;

/** The ScopeError message of applying `args` to a scenario. */
function refusal(scenario: string, args: string[]): string {
  const s = findScenario(scenario)!;
  const e = (() => {
    try {
      applySettings(s.params, s.name, args);
    } catch (x) {
      return x;
    }
    return null;
  })();
  if (!(e instanceof ScopeError)) throw new Error(`expected a ScopeError for ${args.join(' ')}, got ${String(e)}`);
  if (e.message.includes('\n')) throw new Error('not one line');
  return e.message;
}

test('param schema: every scenario’s parameters satisfy it', (t) => {
  for (const s of SCENARIOS) {
    const r = paramsSchema.safeParse(s.params);
    t.true(r.success, `${s.name}: ${r.success ? '' : JSON.stringify(r.error.issues[0])}`);
  }
});

test('param schema: every MachineParams leaf is declared, with a type and a description', (t) => {
  const keys = ALL_PARAMS.map((p) => p.key);
  // Every leaf of the fullest scenario (boot: fs, proc and services) is in the schema's list.
  const leaves = (o: Record<string, unknown>, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
  for (const k of leaves(findScenario('boot')!.params as unknown as Record<string, unknown>)) t.true(keys.includes(k), k);
  for (const p of ALL_PARAMS) {
    t.true(['integer', 'number', 'boolean', 'string', 'array'].includes(p.type), p.key);
    t.true(p.description.length > 0, `${p.key} has a description`);
  }
});

test('param schema: each scenario offers the keys it uses, and only those', (t) => {
  const keys = (name: string) => scenarioParams(findScenario(name)!.params).map((p) => p.key);
  t.true(keys('virtio-small').includes('clients'));
  t.true(keys('virtio-small').includes('faults.ioError'));
  t.false(keys('virtio-small').some((k) => k.startsWith('fs.') || k.startsWith('proc.')));
  t.false(keys('virtio-small').includes('faults.crash'), 'no processes, so no crash faults');
  t.true(keys('fs-read').includes('fs.clients'));
  t.false(keys('fs-read').includes('clients'), 'the block workload does not run on a disk image');
  t.false(keys('fs-read').includes('fs.image'), 'the image comes with --image');
  t.true(keys('boot').includes('proc.services.count'));
  t.false(keys('proc-small').some((k) => k.startsWith('proc.services.')));
  // Defaults are the scenario's own values.
  const clients = scenarioParams(small.params).find((p) => p.key === 'clients')!;
  t.is(clients.default, 3);
});

test('param schema: setting every key of every scenario to its own value is accepted and changes nothing', (t) => {
  for (const s of SCENARIOS) {
    for (const p of scenarioParams(s.params)) {
      const raw = Array.isArray(p.default) ? p.default.join(',') : String(p.default);
      const r = applySettings(s.params, s.name, [`${p.key}=${raw}`]);
      t.deepEqual(r.params, s.params, `${s.name} ${p.key}=${raw}`);
    }
  }
});

test('param schema: values past a declared bound are refused, naming the range', (t) => {
  for (const p of scenarioParams(small.params)) {
    if (p.type !== 'integer' && p.type !== 'number') continue;
    if (p.maximum !== undefined) t.regex(refusal(small.name, [`${p.key}=${p.maximum + 1}`]), /out of range|must be|too small/, p.key);
    if (p.minimum !== undefined) t.regex(refusal(small.name, [`${p.key}=${p.minimum - 1}`]), /out of range|must be|too small/, p.key);
  }
  t.is(refusal('virtio-small', ['faults.ioError=1.5']), '--set faults.ioError=1.5: out of range: faults.ioError is a number from 0 to 1');
  t.is(refusal('virtio-small', ['clients=0']), '--set clients=0: out of range: clients is an integer from 1 to 1024');
});

test('param schema: nested keys, lists and types are parsed; the rest of the scenario is kept', (t) => {
  const r = applySettings(small.params, small.name, ['clients=2', 'requestsPerClient=3', 'faults.ioError=0.25', 'latencyMicrosOptions=1,4,9', 'opMix=flush', 'eventIdx=on', 'maxSteps=1_000']);
  t.is(r.params.clients, 2);
  t.is(r.params.requestsPerClient, 3);
  t.is(r.params.faults.ioError, 0.25);
  t.is(r.params.faults.irqLost, small.params.faults.irqLost);
  t.deepEqual(r.params.latencyMicrosOptions, [1, 4, 9]);
  t.deepEqual(r.params.opMix, ['flush']);
  t.is(r.params.eventIdx, 'on');
  t.is(r.params.maxSteps, 1000);
  t.deepEqual(r.values, { clients: 2, requestsPerClient: 3, 'faults.ioError': 0.25, latencyMicrosOptions: [1, 4, 9], opMix: ['flush'], eventIdx: 'on', maxSteps: 1000 });
  t.is(small.params.clients, 3, 'the scenario itself is untouched');
  // A later setting of the same key wins.
  t.is(applySettings(small.params, small.name, ['clients=1', 'clients=2']).params.clients, 2);
  const boot = findScenario('boot')!;
  const b = applySettings(boot.params, boot.name, ['proc.services.count=2', 'proc.workload.compute=7']);
  t.is(b.params.proc!.services!.count, 2);
  t.is(b.params.proc!.workload.compute, 7);
  t.is(b.params.proc!.services!.healthPeriod, boot.params.proc!.services!.healthPeriod);
});

test('param schema: bad keys and values are refused with one line that says what is allowed', (t) => {
  t.regex(refusal('virtio-small', ['client=2']), /unknown parameter "client" for scenario virtio-small \(did you mean clients\b/);
  t.regex(refusal('virtio-small', ['ioError=0.1']), /did you mean faults\.ioError/);
  t.regex(refusal('virtio-small', ['faults=0.1']), /faults is a group of parameters; set one of them \(faults\.ioError/);
  t.regex(refusal('virtio-small', ['clients=two']), /wrong type: clients is an integer from 1 to 1024/);
  t.regex(refusal('virtio-small', ['clients=2.5']), /wrong type/);
  t.regex(refusal('virtio-small', ['swarm=yes']), /wrong type: swarm is true or false/);
  t.regex(refusal('virtio-small', ['eventIdx=maybe']), /bad value: eventIdx is one of on, off, either/);
  t.regex(refusal('virtio-small', ['opMix=in,read']), /bad value: opMix is a comma-separated list of in, out, flush \(at least 1\)/);
  t.regex(refusal('virtio-small', ['clients']), /--set expects key=value/);
  t.regex(refusal('virtio-small', ['fs.clients=2']), /scenario virtio-small has no file system, so fs\.clients would change nothing/);
  t.regex(refusal('fs-read', ['clients=2']), /runs no block workload/);
  t.regex(refusal('fs-read', ['fs.image=small']), /fs\.image cannot be set: the image is chosen with --image/);
  t.regex(refusal('proc-small', ['proc.services.count=2']), /runs no services/);
});

test('param schema: rules across parameters keep the model valid', (t) => {
  // N a power of two ≤ 2^(W−1), at least 4 (three descriptors per request).
  t.regex(refusal('virtio-small', ['queueSize=16']), /queueSize must be a power of two ≤ 2\^\(indexBits−1\) = 8 with indexBits 4/);
  t.regex(refusal('virtio-small', ['queueSize=6']), /power of two/);
  t.regex(refusal('virtio-small', ['indexBits=3']), /--set indexBits=3: queueSize must be a power of two ≤ 2\^\(indexBits−1\) = 4/);
  t.regex(refusal('virtio-small', ['queueSize=2', 'indexBits=2']), /out of range: queueSize is an integer from 4 to 32768/);
  t.notThrows(() => applySettings(small.params, small.name, ['queueSize=16', 'indexBits=5']));
  // Block ownership must fit on the disk.
  t.regex(refusal('virtio-small', ['clients=5']), /the disk is too small: .* = 6 blocks, but diskBlocks is 4 \(set diskBlocks too\)/);
  t.notThrows(() => applySettings(small.params, small.name, ['clients=5', 'diskBlocks=6']));
  t.regex(refusal('boot', ['proc.services.backoffBase=600000']), /backoffBase \(600000\) must be ≤ proc\.services\.backoffCap \(500000\)/);
});

test('param schema: close keys and range texts', (t) => {
  t.deepEqual(closeKeys('requestPerClient', ['requestsPerClient', 'clients', 'maxSteps']), ['requestsPerClient']);
  t.deepEqual(closeKeys('zzzz', ['clients', 'maxSteps']), []);
  t.is(rangeText({ type: 'integer', minimum: 1 }), 'an integer ≥ 1');
  t.is(rangeText({ type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 }), 'a comma-separated list of integers ≥ 1 (at least 1)');
  t.is(paramValue(small.params, 'faults.ioError'), 0.1);
  t.is(paramValue(small.params, 'fs.clients'), undefined);
});

test('operations: withSettings puts the settings in the target, and the system runs with them', (t) => {
  const tg = withSettings(resolveTarget('virtio-small', 'reference', []), ['clients=2', 'faults.ioError=0']);
  t.deepEqual(tg.settings, { clients: 2, 'faults.ioError': 0 });
  const sys = makeSystem(tg);
  t.is(sys.params.clients, 2);
  t.is(sys.params.faults.ioError, 0);
  t.is(sys.params.faults.irqLost, small.params.faults.irqLost);
  t.is(sys.machine.clients.count, 2);
  const e = t.throws(() => withSettings(resolveTarget('virtio-small', 'reference', []), ['clients=x']), { instanceOf: InputError });
  t.regex(e?.message ?? '', /^--set clients=x: wrong type/);
});

test('replay file: settings are recorded, checked against the parameters, and must fit the scenario', (t) => {
  const tg = withSettings(resolveTarget('virtio-small', 'reference', []), ['clients=2', 'requestsPerClient=2']);
  const sys = makeSystem(tg);
  const doc = makeReplay({ scenario: 'virtio-small', profile: 'reference', mutants: [], settings: tg.settings, parameters: sys.params, seed: 1, choices: [], labels: [], violation: null, traceHash: '0000000000000000' });
  const text = replayToText(doc);
  t.deepEqual(parseReplay(text, 'f.json').settings, { clients: 2, requestsPerClient: 2 });
  // Parameters that do not follow from the settings: another scenario, or an edited file.
  const edit = (f: (d: Record<string, any>) => void) => {
    const d = JSON.parse(text) as Record<string, any>;
    f(d);
    return JSON.stringify(d);
  };
  const bad = (txt: string, pattern: RegExp) => {
    const e = t.throws(() => parseReplay(txt, 'f.json'), { instanceOf: ReplayFileError });
    t.regex(e?.message ?? '', pattern);
    t.false((e?.message ?? '').includes('\n'));
  };
  bad(edit((d) => (d.settings.clients = 1)), /its parameters do not match scenario "virtio-small" with its settings \(clients differ\)/);
  bad(edit((d) => delete d.settings), /its parameters do not match scenario "virtio-small" \(clients, requestsPerClient differ\)/);
  bad(edit((d) => (d.settings.nope = 1)), /f\.json: settings\.nope: unknown parameter "nope"/);
  bad(edit((d) => (d.settings.clients = 'two')), /f\.json: settings\.clients: wrong type/);
  bad(edit((d) => (d.settings.clients = 9)), /f\.json: settings\.clients: the disk is too small/);
  t.throws(() => applySettingValues(small.params, small.name, { queueSize: 16 }), { instanceOf: ScopeError });
});
