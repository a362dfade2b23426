/**
 * `mm.check(machineOrView, request)`: "can an order-N allocation with these GFP flags succeed in
 * this zone now?" (src/sim/page_alloc/alloc-check.ts) for notebooks. The first argument is a
 * machine from mm.boot (its view, with its tunables for the tuning search, its firmware's node
 * distances and CPUs), a MachineView (machine.view(), an imported machine's, a workload result's
 * `final`), or a workload result itself (its final view, and its spec's swap setting).
 * The result is plain data: per zone of the zonelist the kernel's arithmetic, passing or not.
 */
import { MmError, checkAllocation, type AllocationCheck, type CheckRequest, type Machine, type MachineView, type ViewInputOptions } from '../sim/index';

const isView = (v: unknown): v is MachineView => !!v && typeof v === 'object' && Array.isArray((v as MachineView).nodes) && Array.isArray((v as MachineView).zoneNames);

/** The view to check and what else is known, from what mm.check was given. */
export function checkTarget(target: unknown, sim: ((m: unknown) => { machine: Machine; view: MachineView } | null)): { view: MachineView; opts: ViewInputOptions; swap?: boolean } {
  const booted = sim(target);
  if (booted) {
    const { machine } = booted;
    const t = machine.parts.tunables;
    return {
      view: booted.view,
      opts: { tunables: t, distance: machine.parts.fw?.distance, nodesWithCpus: t.cpusPerNode.flatMap((c, nid) => (c > 0 ? [nid] : [])) },
    };
  }
  if (isView(target)) return { view: target, opts: {} };
  const final = (target as { final?: unknown } | null)?.final;
  if (isView(final)) return { view: final, opts: {}, swap: (target as { spec?: { swap?: boolean } }).spec?.swap === true };
  throw new MmError('CHECK_MACHINE', 'mm.check(machineOrView, request): the first argument must be a machine from mm.boot(…), a MachineView (machine.view(), a workload result\'s final) or a workload result', 'machineOrView');
}

/** mm.check: `sim` unwraps an mm machine into the simulator's and the view it shows (a state snapshot's, if booted with one), null for anything else. */
export function check(target: unknown, request: CheckRequest, sim: (m: unknown) => { machine: Machine; view: MachineView } | null): AllocationCheck {
  const { view, opts, swap } = checkTarget(target, sim);
  const req = request && typeof request === 'object' && request.swap === undefined && swap !== undefined ? { ...request, swap } : request;
  return checkAllocation(view, req, opts);
}
