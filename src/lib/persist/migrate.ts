/**
 * Entries written by an earlier schema, brought up to the current one when a notebook loads
 * (keys.ts lists the versions). An entry no migration knows is set aside as before.
 *   scenarios v1 → v2: the same named scenarios, and no pinned scenario A.
 */
import { ENTRY_VERSIONS, type EntryKind } from './keys';

type Entry = Record<string, unknown>;
const isRecord = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

const STEPS: Partial<Record<EntryKind, Record<number, (e: Entry) => Entry | undefined>>> = {
  scenarios: {
    1: (e) => (isRecord(e.scenarios) ? { ...e, schema: 2, pinned: null } : undefined),
  },
};

/** `value` (an entry of `kind` written with schema `from`) in the current schema, or undefined when it cannot be. */
export function migrateEntry(kind: EntryKind, from: number, value: unknown): Entry | undefined {
  let e: Entry | undefined = isRecord(value) && value.schema === from ? value : undefined;
  for (let v = from; e && v < ENTRY_VERSIONS[kind]; v++) {
    const step = STEPS[kind]?.[v];
    e = step ? step(e) : undefined;
  }
  return e && e.schema === ENTRY_VERSIONS[kind] ? e : undefined;
}
