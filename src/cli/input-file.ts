/**
 * Reading an input file named on the command line: at most MAX_INPUT_BYTES (src/sim/limits.ts),
 * checked from the file's size before reading, and while reading for what has no size (a device
 * such as /dev/zero, a pipe), so a wrong path cannot make mmbook read gigabytes.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MmError, fmtBytes, MAX_INPUT_BYTES } from '../sim/index';

function unreadable(flag: string, path: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  throw new MmError('FILE_UNREADABLE', `cannot read ${flag} file '${path}'${code ? ` (${code})` : ''}`);
}

/** The bytes of `path`, given as `flag`; FILE_UNREADABLE or INPUT_TOO_LARGE. */
export function readInputFile(flag: string, path: string, max = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    unreadable(flag, path, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) unreadable(flag, path, { code: 'EISDIR' });
    if (st.isFile() && st.size > max) {
      throw new MmError('INPUT_TOO_LARGE', `${flag} file '${path}' is ${fmtBytes(st.size)}; mmbook reads input files of at most ${fmtBytes(max)}`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        unreadable(flag, path, e);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) {
        throw new MmError('INPUT_TOO_LARGE', `${flag} file '${path}' holds more than ${fmtBytes(max)} (it is ${st.isFile() ? 'growing' : 'not a regular file'}); mmbook reads input files of at most ${fmtBytes(max)}`);
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
