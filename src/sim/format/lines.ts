/** Line reading and error reporting shared by the /proc parsers. */
import { MmError } from '../errors';
import { echoText } from './echo';

export interface Line {
  /** 1-based line number in the pasted text */
  no: number;
  text: string;
}

/**
 * A kernel console message that got interleaved into a /proc dump captured on the
 * serial console ("[    3.090342] tsc: ..."); the parsers skip these lines.
 */
export const CONSOLE_NOISE = /^\[\s*\d+\.\d+\] /;

/** Non-empty lines with their numbers; console noise and CRs dropped. Blank lines are kept only if keepBlank. */
export function readLines(text: string, keepBlank = false): Line[] {
  const out: Line[] = [];
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  raw.forEach((t, i) => {
    const line = t.endsWith('\r') ? t.slice(0, -1) : t;
    if (CONSOLE_NOISE.test(line)) return;
    if (!keepBlank && line.trim() === '') return;
    out.push({ no: i + 1, text: line });
  });
  return out;
}

/** The text without console noise lines (what a round trip reproduces). */
export function stripConsoleNoise(text: string): string {
  return text.split('\n').filter((l) => !CONSOLE_NOISE.test(l)).join('\n');
}

export function parseError(code: string, what: string, line: number | undefined, message: string): MmError {
  return new MmError(code, `${what}: ${message}`, line === undefined ? undefined : `line ${line}`);
}

/** A decimal unsigned integer, else the parser's error naming the line. */
export function parseUint(s: string | undefined, code: string, what: string, line: number, field: string): number {
  if (s === undefined || s === '') throw parseError(code, what, line, `truncated line: missing value for ${field}`);
  if (!/^\d+$/.test(s)) throw parseError(code, what, line, `bad number "${echoText(s)}" for ${field}`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw parseError(code, what, line, `number "${echoText(s)}" for ${field} is too large`);
  return n;
}

/** A decimal signed integer (%ld). */
export function parseInt10(s: string | undefined, code: string, what: string, line: number, field: string): number {
  if (s !== undefined && s.startsWith('-')) return -parseUint(s.slice(1), code, what, line, field);
  return parseUint(s, code, what, line, field);
}
