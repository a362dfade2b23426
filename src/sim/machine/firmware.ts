/**
 * From what the bootloader hands over (a DTB, an e820 map or a declarative topology) to the
 * FirmwareDesc the arch boot code consumes.
 */
import { SZ_2M } from '../sizes';
import { MmError } from '../errors';
import { fdtScan, parseFdt, buildTopologyFdt, walkNodes, type FdtTopology } from '../fdt';
import type { Arch, KernelVersion } from '../types';
import type { FirmwareDesc, MemoryBank } from '../boot/context';
import { COMMAND_LINE_SIZE } from '../limits';


/**
 * Where the bootloader put the DTB: QEMU's arm_load_kernel convention, right after the initrd (or at
 * RAM + 128 MiB), aligned to 2 MiB for an arm64 kernel and to 4 KiB for a 32-bit one.
 */
export function dtbPlacement(arch: Arch, ramBase: number, initrd: { start: number; size: number } | undefined): number {
  const after = initrd ? initrd.start + initrd.size : ramBase + 128 * 2 ** 20;
  const align = arch === 'arm64' ? SZ_2M : 4096;
  return Math.ceil(after / align) * align;
}

/** A DTB as the firmware description; `asIs` takes its totalsize as the in-memory size (a topology's tree). */
export function firmwareFromDtb(dtb: Uint8Array, arch: Arch, kernel: KernelVersion, dtbAddr?: number, asIs = false): FirmwareDesc {
  const tree = parseFdt(dtb);
  const scan = fdtScan(tree, kernel, { commandLineSize: COMMAND_LINE_SIZE[arch] });
  const banks: MemoryBank[] = scan.memory.map((m) => ({ base: m.base, size: m.size, nid: m.nid ?? 0, hotplug: m.hotpluggable, nidGiven: m.nid !== null && m.nid !== undefined }));
  if (!banks.length) throw new MmError('FDT_NO_MEMORY', 'the device tree has no usable /memory node (device_type = "memory" with a reg)', '/memory');
  const initrd = scan.chosen?.initrd && scan.chosen.initrd.end > scan.chosen.initrd.start
    ? { start: scan.chosen.initrd.start, size: scan.chosen.initrd.end - scan.chosen.initrd.start }
    : undefined;
  const ramBase = Math.min(...banks.map((b) => b.base));
  const cpuNodes = scan.cpus.filter((c) => c.available).map((c) => c.nid ?? 0);
  let distance: number[][] | undefined;
  if (scan.distanceMap) {
    const n = Math.max(...scan.distanceMap.map((d) => Math.max(d.from, d.to))) + 1;
    distance = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : 20)));
    for (const d of scan.distanceMap) distance[d.from][d.to] = d.distance;
  }
  return {
    kind: 'fdt',
    banks,
    memreserve: scan.memReserve.map((r) => ({ base: r.address, size: r.size })),
    reservedMem: scan.reservedMem,
    bootargs: scan.chosen?.bootargs ?? undefined,
    initrd,
    dtb: { base: dtbAddr ?? dtbPlacement(arch, ramBase, initrd), size: asIs ? tree.header.totalsize : qemuLoadedDtbSize(tree.header, dtb.length), tree: unflattenNodes(tree.root) },
    cpuNodes,
    distance,
    dmaMaxCpuAddr: scan.dmaMaxCpuAddress,
  };
}

/** A declarative machine description (notebooks, --topology FILE.json). */
export interface Topology {
  arch: Arch;
  kernel: KernelVersion;
  /** total RAM in MiB, split evenly over the nodes */
  ramMiB: number;
  nodes?: number;
  cpus?: number;
  /** physical start of DRAM (default 0x40000000 on arm/arm64; x86 uses a PC e820 layout) */
  dramBase?: number;
  cmdline?: string;
  /** initrd size in KiB (placed at RAM + 128 MiB as QEMU does) */
  initrdKiB?: number;
  /** reserved-memory children, as in a device tree */
  reserved?: FdtTopology['reserved'];
}

/** A topology becomes a real DTB (arm, arm64) that goes through the normal FDT path. */
export function topologyDtb(t: Topology): Uint8Array {
  const nodes = Math.max(1, t.nodes ?? 1);
  const base = t.dramBase ?? 0x40000000;
  const total = t.ramMiB * 2 ** 20;
  const per = Math.floor(total / nodes / SZ_2M) * SZ_2M;
  const memory = Array.from({ length: nodes }, (_, i) => ({ base: base + i * per, size: i === nodes - 1 ? total - per * (nodes - 1) : per, nid: nodes > 1 ? i : undefined }));
  const cpus = Array.from({ length: Math.max(1, t.cpus ?? 1) }, (_, i) => ({ nid: nodes > 1 ? Math.floor((i * nodes) / Math.max(1, t.cpus ?? 1)) : undefined }));
  const initrd = t.initrdKiB ? { start: base + 128 * 2 ** 20, end: base + 128 * 2 ** 20 + t.initrdKiB * 1024 } : undefined;
  const distances = nodes > 1
    ? Array.from({ length: nodes * nodes }, (_, k) => ({ from: Math.floor(k / nodes), to: k % nodes, distance: Math.floor(k / nodes) === k % nodes ? 10 : 20 }))
    : undefined;
  return buildTopologyFdt({ memory, cpus, bootargs: t.cmdline, initrd, distances, reserved: t.reserved });
}

/**
 * A topology for x86_64 becomes a PC-style e820 listing (/sys/firmware/memmap format) plus, with
 * several nodes, the SRAT lines QEMU's build_srat would give it: each node takes the next
 * ramMiB/nodes of RAM in address order, cut at the 640 KiB hole and moved above 4 GiB past the
 * PCI hole; CPUs are spread evenly over the nodes.
 */
export function topologyE820(t: Topology): string {
  const total = t.ramMiB * 2 ** 20;
  const lowTop = Math.min(total, 0xc0000000);
  const lines = [
    '0x0 0x9fbff System RAM',
    '0x9fc00 0x9ffff Reserved',
    '0xf0000 0xfffff Reserved',
    `0x100000 0x${(lowTop - 0x20001).toString(16)} System RAM`,
    `0x${(lowTop - 0x20000).toString(16)} 0x${(lowTop - 1).toString(16)} Reserved`,
    '0xfffc0000 0xffffffff Reserved',
  ];
  if (total > lowTop) lines.push(`0x100000000 0x${(0x100000000 + total - lowTop - 1).toString(16)} System RAM`);
  const nodes = Math.max(1, t.nodes ?? 1);
  if (nodes > 1) {
    const per = Math.floor(total / nodes / SZ_2M) * SZ_2M;
    const hex = (x: number) => '0x' + x.toString(16).padStart(8, '0');
    const srat = (nid: number, base: number, len: number) => lines.push(`ACPI: SRAT: Node ${nid} PXM ${nid} [mem ${hex(base)}-${hex(base + len - 1)}]`);
    let next = 0;
    for (let nid = 0; nid < nodes; nid++) {
      let base = next;
      let len = nid === nodes - 1 ? total - per * (nodes - 1) : per;
      next = base + len;
      // the 640 KiB hole
      if (base <= 0xa0000 && next > 0xa0000) {
        if (0xa0000 - base > 0) srat(nid, base, 0xa0000 - base);
        if (next <= 0x100000) {
          next = 0x100000;
          continue;
        }
        base = 0x100000;
        len = next - base;
      }
      // the PCI hole below 4 GiB
      if (base <= lowTop && next > lowTop) {
        if (lowTop - base > 0) srat(nid, base, lowTop - base);
        base = 2 ** 32;
        len = next - lowTop;
        next = base + len;
      }
      if (len > 0) srat(nid, base, len);
    }
    const cpus = Math.max(1, t.cpus ?? 1);
    for (let i = 0; i < cpus; i++) lines.push(`SRAT: PXM ${Math.floor((i * nodes) / cpus)} -> APIC 0x${i.toString(16).padStart(2, '0')} -> Node ${Math.floor((i * nodes) / cpus)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The totalsize of the DTB as the kernel finds it in memory. A tree whose blocks fill its
 * totalsize exactly is a dtc-compiled file, which only reaches an arm guest through QEMU's -dtb:
 * load_device_tree (QEMU system/device_tree.c) opens it into a buffer of (size + 10000) * 2 bytes,
 * which becomes the totalsize the kernel reserves. A tree with free space (QEMU's own dumpdtb
 * output, /sys/firmware/fdt) is what the bootloader handed over, as is.
 */
export function qemuLoadedDtbSize(h: { totalsize: number; offDtStruct: number; sizeDtStruct: number; offDtStrings: number; sizeDtStrings: number }, fileSize: number): number {
  const used = Math.max(h.offDtStruct + h.sizeDtStruct, h.offDtStrings + h.sizeDtStrings);
  return used === h.totalsize && fileSize === h.totalsize ? (h.totalsize + 10000) * 2 : h.totalsize;
}

/** One node as unflatten_dt_nodes sees it. */
export interface UnflattenNode {
  /** fdt_get_name length: the node name with its unit address ("" for the root) */
  nameLen: number;
  /** properties, without /chosen's rng-seed that early_init_dt_scan_chosen fdt_nop's */
  props: number;
  /** a "name" property exists (else populate_properties makes one from the unit name) */
  hasName: boolean;
  /** length of the name before '@' */
  unitNameLen: number;
}

function unflattenNodes(root: Parameters<typeof walkNodes>[0]): UnflattenNode[] {
  return [...walkNodes(root)].map((n) => {
    const props = [...n.props.keys()].filter((p) => !(n.path === '/chosen' && p === 'rng-seed' && n.props.get(p)!.length > 0));
    return { nameLen: n.name.length, props: props.length, hasName: props.includes('name'), unitNameLen: n.name.split('@')[0].length };
  });
}
