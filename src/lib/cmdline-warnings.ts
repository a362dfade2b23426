/**
 * Kernel parameters that change the memory layout in ways the simulator does not model. The
 * simulator's command-line parser (src/sim/input/cmdline.ts) keeps unknown parameters and
 * ignores them, which for these would print a machine the kernel would not have booted. Each gets
 * a warning naming the token and what the kernel would have done, and the machine is still booted
 * without it (a real command line often carries crashkernel= and the like): `mmbook boot` prints
 * them on stderr, and `mm.boot` puts them in the machine's `warnings`, which the notebooks show.
 */
import { type CmdlineToken, type Arch } from '../sim/index';

interface Unmodeled {
  /** does this token (on this arch) change what mmbook prints? */
  applies(t: CmdlineToken, arch: Arch): boolean;
  /** what the kernel would do with it */
  effect: string;
  /** what to do instead (default: boot without it) */
  hint?: string;
}

const hasValue = (t: CmdlineToken): boolean => t.value !== null && t.value !== '' && t.value !== '0';
const numaArch = (arch: Arch): boolean => arch !== 'arm'; // arm has no CONFIG_NUMA in Debian's armmp-lpae

const UNMODELED: Record<string, Unmodeled> = {
  // reserve_crashkernel (arch/*/kernel/setup.c, arch/arm64/mm/init.c): a memblock reservation
  crashkernel: { applies: hasValue, effect: 'reserves the crash kernel region in memblock (reserve_crashkernel)' },
  // parse_memmap_opt (arch/x86/kernel/e820.c): edits the e820 table
  memmap: { applies: (t, arch) => arch === 'x86_64' && hasValue(t), effect: 'edits the e820 map (parse_memmap_opt)', hint: 'put the change in the --e820 file instead' },
  // (hugepages=, hugepagesz=, default_hugepagesz= and hugetlb_cma= are modelled: src/sim/hugetlb)
  // early_cma_pernuma (kernel/dma/contiguous.c, CONFIG_DMA_PERNUMA_CMA)
  cma_pernuma: { applies: (t, arch) => arch === 'arm64' && hasValue(t), effect: 'reserves a CMA area per node (dma_pernuma_cma_reserve)' },
  // numa_parse_early_param (drivers/base/arch_numa.c) / numa_setup (arch/x86/mm/numa.c)
  numa: { applies: (t, arch) => numaArch(arch) && /^(off|fake=)/.test(t.value ?? ''), effect: 'changes the NUMA node layout (numa=off / numa=fake)' },
  // setup_io_tlb_npages (kernel/dma/swiotlb.c): a slab count resizes the bounce buffer
  swiotlb: { applies: (t) => /^\d/.test(t.value ?? ''), effect: 'resizes the swiotlb bounce buffer (setup_io_tlb_npages)' },
};

/** A warning for each parameter of `tokens` that changes the memory layout without a model. */
export function unmodeledParams(tokens: readonly CmdlineToken[], arch: Arch): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const u = Object.prototype.hasOwnProperty.call(UNMODELED, t.param) ? UNMODELED[t.param]! : undefined;
    if (!u || !u.applies(t, arch)) continue;
    const text = t.value === null ? t.param : `${t.param}=${t.value}`;
    out.push(`CMDLINE_UNSUPPORTED: ${text}: the ${arch} kernel ${u.effect}; mmbook does not model that, so these numbers are without it${u.hint ? ` (${u.hint})` : ''} (at command-line token ${t.index})`);
  }
  return out;
}
