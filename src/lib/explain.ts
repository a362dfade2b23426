/**
 * `mm.explain(text, {arch?, kernel?, report?})`: what `mmbook explain` does, for notebooks: find the
 * allocation-failure reports in a kernel log excerpt (parseAllocFailureReports), rebuild the zones
 * of one of them and explain it (reportExplainInput → explainFailure). Everything returned is plain
 * data: the explanation, every report found, what was inferred, warnings, and the rebuilt input
 * (zones, request, inferred tunables) for plots and for `mm.recheck(explained, sysctls)`, which
 * runs the same request again after sysctl writes (the min_free_kbytes / lowmem_reserve_ratio the
 * kernel's handlers would recompute). Bad input is an MmError (REPORT_NONE, REPORT_MALFORMED,
 * REPORT_NO_ZONES, REPORT_INDEX, BAD_ARCH, BAD_KERNEL).
 */
import {
  MmError, checkProfileName, explainFailure, parseAllocFailureReports, reportExplainInput, retuneExplainInput,
  type Arch, type ExplainInput, type FailureExplanation, type KernelVersion, type ReportExplanation, type SysctlWrites,
} from '../sim/index';

export interface MmExplainOptions {
  arch?: Arch;
  kernel?: KernelVersion;
  /** which report of the text (1 = the first) */
  report?: number;
  /** the text's name in messages (default "pasted text") */
  name?: string;
  /** vm.extfrag_threshold of the machine (a report does not print it; default the kernel's 500) */
  extfragThreshold?: number;
}

export interface ReportSummary {
  /** 1-based, as `report` takes it */
  index: number;
  line: number;
  kind: ReportExplanation['kind'];
  comm: string;
  order: number;
  /** the mask as printed: 0x…(names) */
  gfp: string;
}

/** The sysctls of the explained machine as the explanation uses them (inferred for a report). */
export interface TunablesSummary {
  min_free_kbytes: number;
  watermark_scale_factor: number;
  lowmem_reserve_ratio: number[];
  /** the values are inferred from the report's watermarks and reserves, not read */
  inferred: boolean;
}

export interface MmExplanation extends Omit<ReportExplanation, 'explanation'> {
  /** the report explained (1-based index into `reports`) */
  report: number;
  reports: ReportSummary[];
  explanation: FailureExplanation;
  /** the zones and the request as rebuilt from the report: for plots, and for mm.recheck */
  input: ExplainInput;
  tunables: TunablesSummary | null;
}

export function tunablesSummary(input: ExplainInput): TunablesSummary | null {
  const t = input.tunables;
  if (!t) return null;
  return { min_free_kbytes: t.minFreeKbytes, watermark_scale_factor: t.watermarkScaleFactor, lowmem_reserve_ratio: [...t.lowmemReserveRatio], inferred: input.tunablesInferred ?? false };
}

/** mm.explain: find the reports in `text` and explain one. */
export function explain(text: string, opts: MmExplainOptions = {}): MmExplanation {
  if (typeof text !== 'string') throw new MmError('REPORT_NONE', 'mm.explain(text): give the kernel log excerpt as text (dmesg or syslog lines holding a "page allocation failure" or "invoked oom-killer" report)');
  if (opts.arch !== undefined || opts.kernel !== undefined) checkProfileName(opts.arch ?? 'arm64', opts.kernel ?? '6.1', { arch: 'arch', kernel: 'kernel' });
  const name = opts.name ?? 'pasted text';
  const reports = parseAllocFailureReports(text, name);
  const k = opts.report ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > reports.length) {
    throw new MmError('REPORT_INDEX', `report ${String(opts.report)}: ${name} holds ${reports.length} report${reports.length === 1 ? '' : 's'} (1${reports.length > 1 ? `–${reports.length}` : ''})`, 'report');
  }
  const rep = reports[k - 1]!;
  const { input, ...meta } = reportExplainInput(rep, { arch: opts.arch, kernel: opts.kernel, file: name, extfragThreshold: opts.extfragThreshold });
  const warnings = [...meta.warnings];
  if (reports.length > 1 && opts.report === undefined) warnings.unshift(`${name} holds ${reports.length} reports (lines ${reports.map((r) => r.line).join(', ')}); explaining the first, report: N picks another`);
  return {
    ...meta,
    warnings,
    report: k,
    reports: reports.map((r, i) => ({ index: i + 1, line: r.line, kind: r.kind, comm: r.comm, order: r.order, gfp: `0x${r.gfpHex.toString(16)}${r.gfpNames !== null ? `(${r.gfpNames})` : ''}` })),
    explanation: explainFailure(input),
    input,
    tunables: tunablesSummary(input),
  };
}

export interface MmRecheck {
  input: ExplainInput;
  explanation: FailureExplanation;
  tunables: TunablesSummary | null;
  /** some zone passes after the writes */
  ok: boolean;
}

/**
 * mm.recheck(explained, sysctls): the same request on the same free pages, after the sysctl writes
 * (e.g. `{"vm.min_free_kbytes": 16384}` or `[["vm.lowmem_reserve_ratio", "256 256 64 0"]]`).
 * `explained` is what mm.explain returned (or its `input`).
 */
export function recheck(explained: MmExplanation | ExplainInput, sysctls: SysctlWrites = []): MmRecheck {
  const input = explained && typeof explained === 'object' && 'input' in explained ? explained.input : (explained as ExplainInput);
  if (!input || typeof input !== 'object' || !Array.isArray((input as ExplainInput).zones)) {
    throw new MmError('RETUNE_INPUT', 'mm.recheck(explained, sysctls): the first argument must be what mm.explain returned', 'explained');
  }
  const next = retuneExplainInput(input, sysctls);
  const explanation = explainFailure(next);
  return { input: next, explanation, tunables: tunablesSummary(next), ok: explanation.zones.some((z) => z.ok) };
}
