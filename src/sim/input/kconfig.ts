/**
 * Reading a Linux `.config` into the KernelConfig fields the memory manager needs, with the
 * derived values documented where they are computed:
 * - maxOrder: CONFIG_FORCE_MAX_ZONEORDER (5.10) / CONFIG_ARCH_FORCE_MAX_ORDER (6.1), else 11
 *   (x86 has no such option; MAX_ORDER is exclusive in these versions).
 * - pageblockOrder (`include/linux/pageblock-flags.h`): with CONFIG_HUGETLB_PAGE it is
 *   HUGETLB_PAGE_ORDER = 21 - PAGE_SHIFT = 9 on x86_64, arm64/4K and arm LPAE (capped at
 *   MAX_ORDER-1, which 6.1 does explicitly and which never binds for 4K pages); otherwise MAX_ORDER-1.
 * - structPageSize (`include/linux/mm_types.h`): 64-bit: flags + 5-word union + _mapcount +
 *   _refcount = 56 bytes, + 8 for memcg_data with CONFIG_MEMCG, rounded up to 16 bytes with
 *   CONFIG_HAVE_ALIGNED_STRUCT_PAGE → 64. 32-bit: 32 bytes, + 4 with MEMCG → 36 (checked against
 *   the armmp-lpae oracle: a 524288-page memmap of 18874368 bytes). WANT_PAGE_VIRTUAL and
 *   LAST_CPUPID_NOT_IN_PAGE_FLAGS configurations are not modelled.
 * - thp: CONFIG_TRANSPARENT_HUGEPAGE_{ALWAYS,MADVISE,NEVER}, or 'off' when THP is not built.
 * - cmdlineMode: CONFIG_CMDLINE_FORCE / CONFIG_CMDLINE_OVERRIDE (x86) → 'force';
 *   CONFIG_CMDLINE_EXTEND → 'extend'; x86 CONFIG_CMDLINE_BOOL without override → 'extend'
 *   (the kernel prepends the built-in line there; the difference in token order is not modelled).
 * - nodesShift: CONFIG_NODES_SHIFT, 0 without CONFIG_NUMA. pageOffset: CONFIG_PAGE_OFFSET (arm32), else 0.
 */
import { isKernelVersion } from '../kernel-behaviour';
import { MmError } from '../errors';
import type { Arch, KernelConfig, KernelVersion } from '../types';

export type KconfigValues = Map<string, string>;

/** Read `CONFIG_X=value` and `# CONFIG_X is not set` lines (the latter as "n"). */
export function readKconfigValues(text: string, name = '.config'): KconfigValues {
  const m = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const l = line.trim();
    if (l === '') return;
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(l);
    if (unset) {
      m.set(unset[1]!, 'n');
      return;
    }
    if (l.startsWith('#')) return;
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (!set) throw new MmError('KCONFIG_BAD_LINE', `cannot read "${l.slice(0, 80)}"`, `${name}:${i + 1}`);
    let v = set[2]!;
    if (v.startsWith('"')) {
      if (!v.endsWith('"') || v.length < 2) throw new MmError('KCONFIG_BAD_LINE', `unterminated string in "${l.slice(0, 80)}"`, `${name}:${i + 1}`);
      v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    m.set(set[1]!, v);
  });
  return m;
}

/** The architecture a .config was made for (CONFIG_ARM64 / CONFIG_X86_64 / CONFIG_ARM), or null. */
export function kconfigArch(v: KconfigValues): Arch | null {
  if (v.get('CONFIG_ARM64') === 'y') return 'arm64';
  if (v.get('CONFIG_X86_64') === 'y') return 'x86_64';
  if (v.get('CONFIG_ARM') === 'y') return 'arm';
  return null;
}

/** The kernel version from the "# Linux/arch X.Y.Z Kernel Configuration" header, when 5.10 or 6.1. */
export function kconfigVersion(text: string): KernelVersion | null {
  const m = /^# Linux\/\S+ (\d+)\.(\d+)\.\d+/m.exec(text);
  if (!m) return null;
  const v = `${m[1]}.${m[2]}`;
  return isKernelVersion(v) ? v : null;
}

function int(v: KconfigValues, key: string, name: string): number | undefined {
  const s = v.get(key);
  if (s === undefined || s === 'n') return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new MmError('KCONFIG_BAD_VALUE', `${key}=${s} is not an integer`, name);
  return n;
}

/**
 * Parse a `.config`. Only the fields the file determines are returned: a boolean when its
 * option appears (set or "is not set"), derived fields when their inputs are known.
 */
export function parseKconfig(text: string, name = '.config', opts: { complete?: boolean } = {}): Partial<KernelConfig> {
  const v = readKconfigValues(text, name);
  const out: Partial<KernelConfig> = {};
  // A whole generated .config lists every visible option; an option that is absent there could
  // not be enabled, so it counts as "n". A fragment only says what it says.
  const complete = opts.complete ?? /^# Linux\/\S+ \S+ Kernel Configuration$/m.test(text);
  const has = (k: string): boolean => complete || v.has(k);
  const on = (k: string): boolean => v.get(k) === 'y' || v.get(k) === 'm';
  const bool = (field: keyof KernelConfig, key: string): void => {
    if (has(key)) (out as Record<string, unknown>)[field] = on(key);
  };
  bool('cma', 'CONFIG_CMA');
  bool('zoneDma', 'CONFIG_ZONE_DMA');
  bool('zoneDma32', 'CONFIG_ZONE_DMA32');
  bool('zoneDevice', 'CONFIG_ZONE_DEVICE');
  bool('highmem', 'CONFIG_HIGHMEM');
  bool('hugetlbPage', 'CONFIG_HUGETLB_PAGE');
  bool('numa', 'CONFIG_NUMA');
  bool('sparsememVmemmap', 'CONFIG_SPARSEMEM_VMEMMAP');
  bool('armLpae', 'CONFIG_ARM_LPAE');
  bool('zsmalloc', 'CONFIG_ZSMALLOC');
  bool('memoryFailure', 'CONFIG_MEMORY_FAILURE');
  bool('swap', 'CONFIG_SWAP');
  bool('deferredStructPageInit', 'CONFIG_DEFERRED_STRUCT_PAGE_INIT');
  const num = (field: keyof KernelConfig, key: string): void => {
    const n = int(v, key, name);
    if (n !== undefined) (out as Record<string, unknown>)[field] = n;
  };
  num('cmaSizeMbytes', 'CONFIG_CMA_SIZE_MBYTES');
  num('cmaSizePercentage', 'CONFIG_CMA_SIZE_PERCENTAGE');
  num('cmaAreas', 'CONFIG_CMA_AREAS');
  num('nrCpus', 'CONFIG_NR_CPUS');
  num('pcpBatchScaleMax', 'CONFIG_PCP_BATCH_SCALE_MAX');
  if (complete) {
    out.cmaSizeMbytes ??= 0;
    out.cmaSizePercentage ??= 0;
    out.cmaAreas ??= 0;
    out.pcpBatchScaleMax ??= 0;
    out.cmaSizeSel = 'mbytes';
  }
  if (on('CONFIG_CMA_SIZE_SEL_MBYTES')) out.cmaSizeSel = 'mbytes';
  else if (on('CONFIG_CMA_SIZE_SEL_PERCENTAGE')) out.cmaSizeSel = 'percentage';
  else if (on('CONFIG_CMA_SIZE_SEL_MIN')) out.cmaSizeSel = 'min';
  else if (on('CONFIG_CMA_SIZE_SEL_MAX')) out.cmaSizeSel = 'max';

  if (has('CONFIG_TRANSPARENT_HUGEPAGE')) {
    if (!on('CONFIG_TRANSPARENT_HUGEPAGE')) out.thp = 'off';
    else if (on('CONFIG_TRANSPARENT_HUGEPAGE_MADVISE')) out.thp = 'madvise';
    else if (on('CONFIG_TRANSPARENT_HUGEPAGE_NEVER')) out.thp = 'never';
    else out.thp = 'always';
  }
  if (has('CONFIG_NUMA')) {
    out.nodesShift = on('CONFIG_NUMA') ? int(v, 'CONFIG_NODES_SHIFT', name) ?? 0 : 0;
  }

  const arch = kconfigArch(v);
  const maxOrder = int(v, 'CONFIG_ARCH_FORCE_MAX_ORDER', name) ?? int(v, 'CONFIG_FORCE_MAX_ZONEORDER', name);
  if (maxOrder !== undefined) out.maxOrder = maxOrder;
  else if (arch) out.maxOrder = 11;
  if (out.maxOrder !== undefined && has('CONFIG_HUGETLB_PAGE')) {
    const pageShift = int(v, 'CONFIG_ARM64_PAGE_SHIFT', name) ?? 12;
    if (pageShift !== 12) throw new MmError('KCONFIG_UNSUPPORTED', `PAGE_SHIFT ${pageShift}: only 4 KiB pages are simulated`, name);
    // HUGETLB_PAGE_ORDER = HPAGE_SHIFT (21 with 4K pages) - PAGE_SHIFT = 9.
    out.pageblockOrder = on('CONFIG_HUGETLB_PAGE') ? Math.min(9, out.maxOrder - 1) : out.maxOrder - 1;
  }
  if (arch) {
    const memcg = on('CONFIG_MEMCG');
    if (arch === 'arm') out.structPageSize = 32 + (memcg ? 4 : 0);
    else {
      const raw = 56 + (memcg ? 8 : 0);
      out.structPageSize = on('CONFIG_HAVE_ALIGNED_STRUCT_PAGE') ? Math.ceil(raw / 16) * 16 : raw;
    }
    const po = v.get('CONFIG_PAGE_OFFSET');
    out.pageOffset = arch === 'arm' && po ? Number(po) : 0;
    if (arch === 'arm' && !has('CONFIG_ARM_LPAE')) out.armLpae = false;
  }

  if (has('CONFIG_CMDLINE')) out.cmdline = v.get('CONFIG_CMDLINE') === 'n' ? '' : v.get('CONFIG_CMDLINE') ?? '';
  if (on('CONFIG_CMDLINE_FORCE') || on('CONFIG_CMDLINE_OVERRIDE')) out.cmdlineMode = 'force';
  else if (on('CONFIG_CMDLINE_EXTEND') || on('CONFIG_CMDLINE_BOOL')) out.cmdlineMode = 'extend';
  else if (has('CONFIG_CMDLINE') || has('CONFIG_CMDLINE_BOOL')) out.cmdlineMode = 'default';
  return out;
}
