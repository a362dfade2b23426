/** Shared set-ups of the CMA and hugetlb tests. */
import { readFileSync } from 'node:fs';
import { bootMachine, type Machine } from '../../src/sim/index';
import type { RunningMachine } from '../../src/sim/run/running-machine';
import type { PageKindName } from '../../src/sim/run/page-flags';
import { GFP_HIGHUSER_MOVABLE, __GFP_DIRECT_RECLAIM } from '../../src/sim/page_alloc/gfp';
import { ORACLE_RT } from '../helpers/oracle-dir';

export const KERNELS = ['5.10', '6.1'] as const;
export type Kernel = (typeof KERNELS)[number];

/** Movable user memory without direct reclaim: fails at the min watermark instead of entering reclaim. */
export const MOVABLE_NOWAIT = GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM;

export function bootArm64(kernel: Kernel, ramMiB: number, cmdline = ''): Machine {
  return bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB }, cmdline });
}

/** The real 6.1 run with hugetlb_cma=1G (../shared/oracle-rt/rt-a64-2g-hugetlb-cma): its DTB and command line. */
export const HUGETLB_RT = `${ORACLE_RT}/rt-a64-2g-hugetlb-cma`;
export function bootHugetlbRt(opts: { bootLog?: boolean } = {}): Machine {
  return bootMachine({
    arch: 'arm64',
    kernel: '6.1',
    dtb: new Uint8Array(readFileSync(`${HUGETLB_RT}/virt.dtb`)),
    cmdline: readFileSync(`${HUGETLB_RT}/cmdline.txt`, 'utf8').trim(),
    ...(opts.bootLog ? { bootLog: readFileSync(`${HUGETLB_RT}/kernel-console.txt`, 'utf8') } : {}),
  });
}

/** Allocate `count` order-0 pages of `kind` under the label `as`; returns their pfns. */
export function allocLabelled(run: RunningMachine, gfp: string | number, count: number, kind: PageKindName, as: string): number[] {
  return run.run([{ op: 'alloc', gfp, count, kind, as }]).refs[as] ?? [];
}

export const inRange = (pfn: number, base: number, count: number): boolean => pfn >= base && pfn < base + count;
