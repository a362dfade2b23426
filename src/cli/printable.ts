/**
 * What the CLI prints about its input is one line a terminal shows as text: an input file's bytes
 * quoted in a message (a binary file given as --kconfig, a command line with escape sequences)
 * must not move the cursor, change colours or run on for megabytes.
 */

/** C0 and C1 controls, DEL, U+FFFD (undecodable bytes), line and paragraph separators, bidi controls, lone surrogates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ufffd\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The longest message printed; the rest is cut with a count. */
export const MAX_MESSAGE_CHARS = 2000;

/** `s` with unsafe characters escaped (\n, \t, \xNN, \uNNNN) and cut to `max` characters. */
export function printable(s: string, max = MAX_MESSAGE_CHARS): string {
  const out = s.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
  return out.length > max ? `${out.slice(0, max)}… (${out.length - max} more characters)` : out;
}
