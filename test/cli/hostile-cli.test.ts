/**
 * What a probe of the CLI found (issue #8): each hostile input ends in one printable line,
 * `mmbook: CODE: message` and exit 2, naming the input; never INTERNAL, a stack trace, an internal
 * code, or the input's raw bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorReport } from '../../src/cli/report-error';
import { printable } from '../../src/cli/printable';
import { buildTopologyFdt } from '../../src/sim/fdt/fdt-topology';
import { MmError } from '../../src/sim/errors';
import { ORACLE } from '../oracle/cases';

const BIN = resolve(import.meta.dirname, '../../bin/mmbook.js');
const dir = mkdtempSync(join(tmpdir(), 'mmbook-hostile-'));
const DTB = join(ORACLE, 'a64-512m/virt.dtb');
const A64 = ['boot', '--arch', 'arm64', '--kernel', '6.1'];
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
/** one line, the code, exit 2, nothing unprintable */
function refused(args: string[], code: string): string {
  const r = run(args);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^mmbook: ${code}: [^\\n]+\\n$`));
  expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\ufffd]/);
  return r.stderr;
}

describe('hostile input to mmbook boot', () => {
  it('input files are read up to 64 MiB: /dev/zero, a huge sparse file, a directory', () => {
    expect(refused([...A64, '--dtb', '/dev/zero'], 'INPUT_TOO_LARGE')).toMatch(/--dtb file '\/dev\/zero' holds more than 64 MiB \(it is not a regular file\)/);
    const big = file('big.log', '');
    truncateSync(big, 5 * 2 ** 30);
    expect(refused([...A64, '--dtb', DTB, '--boot-log', big], 'INPUT_TOO_LARGE')).toMatch(/--boot-log file '.*big\.log' is 5 GiB; mmbook reads input files of at most 64 MiB/);
    expect(refused([...A64, '--topology', dir], 'FILE_UNREADABLE')).toMatch(/\(EISDIR\)/);
  });

  it('binary bytes and escape sequences in the input are escaped in the message', () => {
    const bin = file('bin.cfg', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0xfe, 0x0d]));
    expect(refused([...A64, '--dtb', DTB, '--kconfig', bin], 'KCONFIG_BAD_LINE')).toContain('"\\x7fELF\\x02\\x01\\x01\\x00\\x1b[31m\\ufffd\\ufffd');
    expect(refused([...A64, '--dtb', DTB, '--cmdline', 'mem=\x1b[2J\x07'], 'CMDLINE_BAD_VALUE')).toContain('mem=\\x1b[2J\\x07');
  });

  it('machines too large are refused up front with the limit, never an internal code', () => {
    expect(refused([...A64, '--topology', file('8t.json', '{"ramMiB": 8388608}')], 'MACHINE_TOO_LARGE')).toMatch(/'.*8t\.json': topology ramMiB 8388608 \(8 TiB\) is more RAM than mmbook boots: at most 262144 \(256 GiB\)/);
    const pib = file('pib.dtb', buildTopologyFdt({ memory: [{ base: 0x40000000, size: 2 ** 50 }] }));
    expect(refused([...A64, '--dtb', pib], 'MACHINE_TOO_LARGE')).toMatch(/--dtb file '.*pib\.dtb': the machine has 128 TiB of RAM/);
  });

  it('topology errors name the file and the field', () => {
    expect(refused([...A64, '--topology', file('frac.json', '{"ramMiB": 1048.576}')], 'TOPOLOGY_INVALID')).toMatch(/frac\.json': topology ramMiB must be a whole number of 4 KiB pages .* \(at ramMiB\)/);
    expect(refused([...A64, '--topology', file('cpus.json', '{"ramMiB": 2048, "cpus": 100000}')], 'TOPOLOGY_INVALID')).toMatch(/topology cpus must be an integer from 1 to 256 \(CONFIG_NR_CPUS\), got 100000/);
    expect(refused([...A64, '--topology', file('tiny.json', '{"ramMiB": 20}')], 'KERNEL_IMAGE_OUTSIDE_RAM')).toMatch(/topology ramMiB 20 is too small: .* give at least 35/);
  });

  it('a real but unmodelled sysctl is called that, not unknown', () => {
    expect(refused([...A64, '--dtb', DTB, '--sysctl', 'vm.swappiness=10'], 'SYSCTL_UNMODELED')).toMatch(/vm\.swappiness is a real sysctl of Linux 6\.1, but mmbook does not model it/);
  });

  it('a --cmdline longer than COMMAND_LINE_SIZE is cut as the kernel cuts it, with a warning', () => {
    const r = run([...A64, '--dtb', DTB, '--cmdline', `${'x'.repeat(2038)} cma=16M cma=128M`, '--show', 'meminfo']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('mmbook: warning: CMDLINE_TRUNCATED: --cmdline is 2055 bytes; the arm64 kernel keeps the first 2047 (COMMAND_LINE_SIZE 2048) and ignores the rest\n');
    // the cut keeps cma=16M and drops the later cma=128M
    expect(r.stdout).toMatch(/^CmaTotal: +16384 kB$/m);
  });
});

describe('how a failure is printed', () => {
  it('a user error is one line with its code and exit 2; a simulator check or a crash is INTERNAL and exit 1', () => {
    expect(errorReport(new MmError('FDT_BAD_MAGIC', 'not a device tree', 'DTB offset 0x0'))).toEqual({ text: 'mmbook: FDT_BAD_MAGIC: not a device tree (at DTB offset 0x0)\n', status: 2 });
    for (const code of ['BUDDY_BAD_OPTIONS', 'MEMBLOCK_BAD_ARG', 'TUNABLES_BAD_INPUT', 'FDT_BUILD_BAD_VALUE']) {
      const r = errorReport(new MmError(code, 'size -448'));
      expect(r.status).toBe(1);
      expect(r.text).toMatch(new RegExp(`^mmbook: INTERNAL: size -448 \\(the simulator's own check ${code} failed: this is an mmbook bug`));
    }
    expect(errorReport(new TypeError('x is undefined'))).toEqual({ text: 'mmbook: INTERNAL: x is undefined\n', status: 1 });
  });

  it('a message is cut to 2000 characters', () => {
    expect(printable('a'.repeat(2100))).toBe(`${'a'.repeat(2000)}… (100 more characters)`);
    expect(printable('tab\there\nline\u202eevil\ud800')).toBe('tab\\there\\nline\\u202eevil\\ud800');
  });
});
