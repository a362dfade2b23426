/**
 * x86 firmware memory maps as text: the boot log's `BIOS-e820: [mem …] type` lines
 * (`e820__print_table`, `arch/x86/kernel/e820.c`) and `ACPI: SRAT: Node N PXM P [mem …]` lines
 * (`acpi_numa_memory_affinity_init`, `drivers/acpi/numa/srat.c`), or a `/sys/firmware/memmap`
 * listing ("0xSTART 0xEND Type", `e820_type_to_string`). The table processing the kernel then
 * applies lives in `e820-table.ts`.
 */
import { MmError } from '../errors';

/** enum e820_type (`arch/x86/include/asm/e820/types.h`). */
export const E820_TYPE_RAM = 1;
export const E820_TYPE_RESERVED = 2;
export const E820_TYPE_ACPI = 3;
export const E820_TYPE_NVS = 4;
export const E820_TYPE_UNUSABLE = 5;
export const E820_TYPE_PMEM = 7;
export const E820_TYPE_PRAM = 12;
export const E820_TYPE_SOFT_RESERVED = 0xefffffff;
export const E820_TYPE_RESERVED_KERN = 128;

export interface E820Entry {
  /** First byte. */
  start: number;
  /** Last byte (inclusive), as printed. */
  end: number;
  type: number;
}

export interface SratMemory {
  node: number;
  pxm: number;
  start: number;
  end: number;
  hotplug: boolean;
  nonVolatile: boolean;
}

/** `SRAT: PXM P -> APIC 0x… -> Node N` (`acpi_numa_processor_affinity_init`): one per CPU. */
export interface SratCpu {
  pxm: number;
  apic: number;
  node: number;
}

export interface E820Input {
  entries: E820Entry[];
  srat: SratMemory[];
  sratCpus: SratCpu[];
  /** Where the entries came from. */
  source: 'boot-log' | 'firmware-memmap' | 'none';
}

/** `e820_print_type`: the boot-log spelling of a type. */
export function e820TypeName(type: number): string {
  switch (type) {
    case E820_TYPE_RAM:
    case E820_TYPE_RESERVED_KERN:
      return 'usable';
    case E820_TYPE_RESERVED:
      return 'reserved';
    case E820_TYPE_SOFT_RESERVED:
      return 'soft reserved';
    case E820_TYPE_ACPI:
      return 'ACPI data';
    case E820_TYPE_NVS:
      return 'ACPI NVS';
    case E820_TYPE_UNUSABLE:
      return 'unusable';
    case E820_TYPE_PMEM:
    case E820_TYPE_PRAM:
      return `persistent (type ${type})`;
    default:
      return `type ${type}`;
  }
}

/** `e820_type_to_string`: the /sys/firmware/memmap spelling. */
export function e820FirmwareTypeName(type: number): string {
  switch (type) {
    case E820_TYPE_RESERVED_KERN:
    case E820_TYPE_RAM:
      return 'System RAM';
    case E820_TYPE_ACPI:
      return 'ACPI Tables';
    case E820_TYPE_NVS:
      return 'ACPI Non-volatile Storage';
    case E820_TYPE_UNUSABLE:
      return 'Unusable memory';
    case E820_TYPE_PRAM:
      return 'Persistent Memory (legacy)';
    case E820_TYPE_PMEM:
      return 'Persistent Memory';
    case E820_TYPE_RESERVED:
      return 'Reserved';
    case E820_TYPE_SOFT_RESERVED:
      return 'Soft Reserved';
    default:
      return 'Unknown E820 type';
  }
}

function typeFromLogName(s: string): number | null {
  const t = s.trim();
  const fixed: Record<string, number> = {
    usable: E820_TYPE_RAM,
    reserved: E820_TYPE_RESERVED,
    'soft reserved': E820_TYPE_SOFT_RESERVED,
    'ACPI data': E820_TYPE_ACPI,
    'ACPI NVS': E820_TYPE_NVS,
    unusable: E820_TYPE_UNUSABLE,
  };
  if (t in fixed) return fixed[t]!;
  const m = /^(?:persistent \(type (\d+)\)|type (\d+))$/.exec(t);
  return m ? Number(m[1] ?? m[2]) : null;
}

function typeFromFirmwareName(s: string): number | null {
  const t = s.trim();
  const fixed: Record<string, number> = {
    'System RAM': E820_TYPE_RAM,
    'ACPI Tables': E820_TYPE_ACPI,
    'ACPI Non-volatile Storage': E820_TYPE_NVS,
    'Unusable memory': E820_TYPE_UNUSABLE,
    'Persistent Memory (legacy)': E820_TYPE_PRAM,
    'Persistent Memory': E820_TYPE_PMEM,
    Reserved: E820_TYPE_RESERVED,
    'Soft Reserved': E820_TYPE_SOFT_RESERVED,
  };
  return t in fixed ? fixed[t]! : null;
}

/** Parse a hex address; MmError when it is not exactly representable. */
export function parseHexAddr(s: string, code: string, where: string): number {
  const v = BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : '0x' + s);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MmError(code, `address ${s} does not fit in 53 bits`, where);
  return Number(v);
}

/** Text after the printk timestamp ("[    0.000000] "), which may be missing or preceded by junk. */
export function stripTimestamp(line: string): string {
  const m = /\[\s*\d+\.\d+\]\s?/.exec(line);
  return m ? line.slice(m.index + m[0].length) : line;
}

const BIOS_RE = /BIOS-e820: \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\] (.+)$/;
const SRAT_RE = /SRAT: Node (\d+) PXM (\d+) \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]( hotplug)?( non-volatile)?/;
const SRAT_CPU_RE = /SRAT: PXM (\d+) -> APIC (0x[0-9a-fA-F]+) -> Node (\d+)/;
const MEMMAP_RE = /^(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(.+)$/;

function checkRange(start: number, end: number, where: string): void {
  if (end < start) throw new MmError('E820_BAD_RANGE', `range end 0x${end.toString(16)} is below its start 0x${start.toString(16)}`, where);
}

/**
 * Read e820 entries and SRAT memory affinities from a boot log, or entries from a
 * /sys/firmware/memmap listing. A boot log's BIOS-e820 lines win when both kinds are present.
 */
export function parseE820Text(text: string, name = 'e820'): E820Input {
  const log: E820Entry[] = [];
  const memmap: E820Entry[] = [];
  const srat: SratMemory[] = [];
  const sratCpus: SratCpu[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const where = `${name}:${i + 1}`;
    const line = stripTimestamp(raw).trimEnd();
    if (line.includes('BIOS-e820:')) {
      const m = BIOS_RE.exec(line);
      if (!m) throw new MmError('E820_BAD_LINE', `cannot read BIOS-e820 line "${raw.trim()}"`, where);
      const type = typeFromLogName(m[3]!);
      if (type === null) throw new MmError('E820_BAD_TYPE', `unknown e820 type "${m[3]}"`, where);
      const start = parseHexAddr(m[1]!, 'E820_BAD_LINE', where);
      const end = parseHexAddr(m[2]!, 'E820_BAD_LINE', where);
      checkRange(start, end, where);
      log.push({ start, end, type });
      return;
    }
    const s = SRAT_RE.exec(line);
    if (s) {
      const start = parseHexAddr(s[3]!, 'E820_BAD_LINE', where);
      const end = parseHexAddr(s[4]!, 'E820_BAD_LINE', where);
      checkRange(start, end, where);
      srat.push({ node: Number(s[1]), pxm: Number(s[2]), start, end, hotplug: !!s[5], nonVolatile: !!s[6] });
      return;
    }
    const c = SRAT_CPU_RE.exec(line);
    if (c) {
      sratCpus.push({ pxm: Number(c[1]), apic: Number(c[2]), node: Number(c[3]) });
      return;
    }
    const mm = MEMMAP_RE.exec(raw.trim());
    if (mm) {
      const type = typeFromFirmwareName(mm[3]!);
      if (type === null) {
        if (mm[3]!.trim() === 'Unknown E820 type') throw new MmError('E820_BAD_TYPE', 'firmware memmap entry of unknown type', where);
        return; // not a memmap line after all
      }
      const start = parseHexAddr(mm[1]!, 'E820_BAD_LINE', where);
      const end = parseHexAddr(mm[2]!, 'E820_BAD_LINE', where);
      checkRange(start, end, where);
      memmap.push({ start, end, type });
    }
  });
  if (log.length) return { entries: log, srat, sratCpus, source: 'boot-log' };
  if (memmap.length) return { entries: memmap, srat, sratCpus, source: 'firmware-memmap' };
  return { entries: [], srat, sratCpus, source: 'none' };
}
