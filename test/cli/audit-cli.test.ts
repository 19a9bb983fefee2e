import test from 'ava';
import { cli, tempDir } from '../helpers/cli.js';

test('cli: explore --audit: a complete audited search says so in text and JSON, exit 0', async (t) => {
  const dir = tempDir('audit');
  const [json, text] = await Promise.all([cli(['explore', 'init-small', '--audit', '--json', '--out', 'out'], dir), cli(['explore', 'init-small', '--audit', '--out', 'out2'], dir)]);
  t.is(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { complete: boolean; stoppedBy: string | null; transitions: number; audit: { audited: number; finding: unknown } };
  t.true(doc.complete);
  t.is(doc.stoppedBy, null);
  t.is(doc.audit.finding, null);
  t.is(doc.audit.audited, doc.transitions + 1, 'every state reached, and the initial one');
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, new RegExp(`✓ audit: ${doc.audit.audited.toLocaleString('en-US')} states' full digests agree with their fingerprints\n`));
});

test('cli: explore without --audit: no audit line, no audit in JSON', async (t) => {
  const dir = tempDir('audit');
  const r = await cli(['explore', 'virtio-small', '--json', '--max-states', '500', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  t.false('audit' in (JSON.parse(r.stdout) as object));
});
