/** reports/escape.ts: what came from input is shown escaped, cut when long; JSON stays the same value. */
import test from 'ava';
import { escapeText, toJsonText } from '../../reports/escape.js';

test('escapeText: C0, DEL, C1, separators, bidi overrides and lone surrogates as \\uXXXX; the rest unchanged', (t) => {
  t.is(escapeText('a\u001b[2Jb'), 'a\\u001b[2Jb');
  t.is(escapeText('\u007f\u009b\u2028\u202e\ufeff'), '\\u007f\\u009b\\u2028\\u202e\\ufeff');
  t.is(escapeText('x\ud800y'), 'x\\ud800y');
  t.is(escapeText('x\udc00'), 'x\\udc00');
  t.is(escapeText('ok: é ✓ 😀 /a/b'), 'ok: é ✓ 😀 /a/b');
  t.is(escapeText('a\nb\tc'), 'a\\u000ab\\u0009c');
});

test('escapeText cuts long values and says how much was left out', (t) => {
  t.is(escapeText('x'.repeat(250)), `${'x'.repeat(200)}…(50 more characters)`);
  t.is(escapeText('abc', 2), 'ab…(1 more characters)');
});

test('toJsonText: DEL, C1 and bidi overrides escaped too; parses back to the same value', (t) => {
  const v = { a: '\u001b\u009b\u202e', b: [1, 'é'] };
  const text = toJsonText(v);
  t.false(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(text));
  t.deepEqual(JSON.parse(text), v);
});
