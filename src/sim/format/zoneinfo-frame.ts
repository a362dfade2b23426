/**
 * findZoneinfoDump: where the /proc/zoneinfo dump is in a pasted text. Real pastes come with
 * framing: an Android bugreport's "------ ZONEINFO (/proc/zoneinfo) ------" header and
 * "------ 0.012s was the duration of 'ZONEINFO' ------" footer, a shell prompt and `cat`
 * command, the next file of a bugreport after it, a UTF-8 byte order mark, CRLF line ends,
 * kernel console lines interleaved by a serial console.
 *
 * The dump runs from the first "Node N, zone NAME" header to the last line that belongs to
 * a zone: zoneinfo_show_print (mm/vmstat.c) prints every line but the header indented, so the
 * first unindented line after the last header ends it. Lines before the first header and
 * after the end are framing, skipped; unindented lines between headers stay in the dump (the
 * parser counts them as unknown).
 */
import type { Line } from './lines';
import { readLines } from './lines';

/** "Node %d, zone %8s" with nothing after the name (buddyinfo and pagetypeinfo lines have more). */
export const ZONE_HEADER = /^Node\s+(\S+),\s+zone\s*(\S*)\s*$/;

/** Framing that is expected around a dump and skipped without a word. */
const KNOWN_FRAMING: RegExp[] = [
  /^-{3,}.*-{3,}$/, // bugreport section header / footer
  /^={3,}/, // other tools' separators
  /^\s*(\S+@\S+[:~][^$#]*)?[$#]\s*(sudo\s+)?(cat|less|more|head|tail)\b.*\bzoneinfo\b/, // shell prompt + cat
  /^\s*(cat|adb shell cat)\s+\/proc\/zoneinfo\s*$/,
  /^==> .* <==$/, // tail/head file headings
];

export interface ZoneinfoDump {
  lines: Line[];
  /** framing lines skipped before the first header and after the dump */
  before: Line[];
  after: Line[];
}

export function isKnownFraming(text: string): boolean {
  return KNOWN_FRAMING.some((re) => re.test(text));
}

export function findZoneinfoDump(text: string): ZoneinfoDump {
  const all = readLines(text.startsWith('\ufeff') ? text.slice(1) : text);
  const first = all.findIndex((l) => ZONE_HEADER.test(l.text));
  if (first < 0) return { lines: [], before: all, after: [] };
  let lastHeader = first;
  for (let i = first; i < all.length; i++) if (ZONE_HEADER.test(all[i]!.text)) lastHeader = i;
  let end = all.length;
  for (let i = lastHeader + 1; i < all.length; i++) {
    if (!/^\s/.test(all[i]!.text)) { end = i; break; }
  }
  return { lines: all.slice(first, end), before: all.slice(0, first), after: all.slice(end) };
}
