/**
 * echoText: a piece of pasted input made safe to quote in a message. Pasted text can hold
 * binary bytes, terminal escapes or a whole megabyte on one line; a message quotes at most
 * `max` characters, with control and non-printable characters written as \xNN / \u{…}.
 */
export function echoText(s: string, max = 60): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n >= max) return out + '…';
    const cp = ch.codePointAt(0)!;
    // C0/C1 controls, DEL, the BOM, lone surrogates and the replacement char of undecodable bytes
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0xfeff || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
    n++;
  }
  return out;
}
