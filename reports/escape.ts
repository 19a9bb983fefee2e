/**
 * Text from input (file names, replay file fields, names inside a disk image, JSON parse errors)
 * is shown escaped: control characters (C0, DEL, C1), line and paragraph separators, bidirectional
 * overrides and lone surrogates as `\uXXXX`, so nothing a file holds can move the cursor, clear the
 * screen or reorder what the terminal shows; and long values are cut, saying how much was left out.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const hex = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `s` with every unsafe character as `\uXXXX`, cut to `max` characters (default 200). */
export function escapeText(s: string, max = 200): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const out = cut.replace(UNSAFE, hex);
  return s.length > max ? `${out}…(${(s.length - max).toLocaleString('en-US')} more characters)` : out;
}

/**
 * JSON for stdout: JSON.stringify escapes C0 controls already; this also escapes DEL, C1, the line
 * separators and bidi overrides (still valid JSON, the same value when parsed).
 */
export function toJsonText(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, hex);
}
