/** The oracle folders (../shared/oracle): what real kernels printed, and how to boot the same machine. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BootRequest } from '../../src/sim/boot/boot';
import type { Arch, KernelVersion } from '../../src/sim/types';
import { ORACLE } from '../helpers/oracle-dir';

export { ORACLE };

export interface OracleCase {
  name: string;
  dir: string;
  arch: Arch;
  kernel: KernelVersion;
  /** the boot request without a boot log (the model) */
  request: BootRequest;
  bootLog: string;
  sysctls: Array<[string, string]>;
  read(file: string): string;
  has(file: string): boolean;
}

function conf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'config.conf'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(?:"(.*)"|(.*))$/.exec(line.trim());
    if (m) out[m[1]] = m[2] ?? m[3];
  }
  return out;
}

export function oracleCases(): OracleCase[] {
  return readdirSync(ORACLE)
    .filter((n) => existsSync(join(ORACLE, n, 'config.conf')))
    .sort()
    .map((name) => {
      const dir = join(ORACLE, name);
      const c = conf(dir);
      const arch: Arch = c.ARCH === 'aarch64' ? 'arm64' : c.ARCH === 'arm' ? 'arm' : 'x86_64';
      const kernel: KernelVersion = c.KERNEL === 'deb510' ? '5.10' : '6.1';
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      const has = (f: string) => existsSync(join(dir, f));
      const cmdline = read('cmdline.txt').trim();
      const request: BootRequest = { arch, kernel, cmdline, cpus: c.SMP ? Number(c.SMP) : undefined };
      if (arch === 'x86_64') {
        // the boot log's BIOS-e820 and SRAT lines are the firmware description (the CLI's --e820 accepts a boot log)
        request.e820 = read('kernel-console.txt');
      } else {
        request.dtb = new Uint8Array(readFileSync(join(dir, has('modified.dtb') ? 'modified.dtb' : 'virt.dtb')));
      }
      const sysctls = (c.SYSCTLS ?? '').split(';').filter(Boolean).map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
      });
      return { name, dir, arch, kernel, request, bootLog: read('kernel-console.txt'), sysctls, read, has };
    });
}
