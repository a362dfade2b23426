/**
 * What a booted (or tuned) machine should tell its reader although the kernel accepted it: the
 * command line's parameters the simulator does not model (CMDLINE_UNSUPPORTED) or the kernel
 * ignores with a printk, and watermarks that the sysctls' arithmetic put above a zone's managed
 * pages (vm.min_free_kbytes takes any int; __setup_per_zone_wmarks scales it by each zone's share
 * without a cap, so a zone can get a min it could never hold). `mm.boot` and `machine.sysctl`
 * attach these to the machine as `warnings`; the notebooks show them and `mmbook run` prints them.
 */
import type { Machine } from '../sim/index';
import { unmodeledParams } from './cmdline-warnings';

/** Every warning about `machine`, command line first, then zones in node/zone order. */
export function machineWarnings(machine: Machine): string[] {
  const { params, profile } = machine.parts;
  return [
    ...params.warnings.map((w) => `CMDLINE_IGNORED: the kernel prints "${w}"`),
    ...unmodeledParams(params.tokens, profile.arch),
    ...watermarkWarnings(machine),
  ];
}

/** Zones whose min (or high) watermark is above the pages they manage. */
export function watermarkWarnings(machine: Machine): string[] {
  const out: string[] = [];
  const cause = (): string => {
    const parts = [`vm.min_free_kbytes=${machine.readSysctl('vm.min_free_kbytes').trim()}`];
    const wsf = machine.readSysctl('vm.watermark_scale_factor').trim();
    if (wsf !== '10') parts.push(`vm.watermark_scale_factor=${wsf}`);
    return parts.join(', ');
  };
  for (const node of machine.view().nodes) {
    for (const z of node.zones) {
      if (z.managed <= 0) continue;
      const where = `Node ${node.nid} ${z.name}`;
      if (z.min > z.managed) {
        out.push(`WATERMARK_ABOVE_MANAGED: ${where}: min watermark ${z.min} pages is above the zone's ${z.managed} managed pages (${cause()}). The kernel accepts the value, but this zone's free pages can never reach min: every allocation that could use it fails the watermark check and goes to direct reclaim, which cannot help.`);
      } else if (z.high > z.managed) {
        out.push(`WATERMARK_ABOVE_MANAGED: ${where}: high watermark ${z.high} pages is above the zone's ${z.managed} managed pages (${cause()}). The kernel accepts it, but once woken kswapd can never bring the zone back to high, so it never sleeps.`);
      }
    }
  }
  return out;
}
