/**
 * IndexedDB key layout. Every key carries the schema version of its kind of entry (docs: README,
 * "Saving"):
 *   mmbook:v1:source:<notebook>     edited notebook source   { html, savedAt }
 *   mmbook:v1:inputs:<notebook>     input values by name     { values, savedAt }
 *   mmbook:v2:scenarios:<notebook>  named input snapshots and the pinned scenario A
 *                                   { scenarios: { [name]: values }, pinned: { inputs, source?, pinnedAt } | null, savedAt }
 *                                   (v1 had no `pinned`: it is migrated on load, migrate.ts)
 *   mmbook:v1:sweeps:<notebook>     the sweeps run from the sweep panel, newest last
 *                                   { sweeps: [{ id, decl, state, points, startedAt, finishedAt? }], savedAt }
 *   mmbook:aside:<time>:<original>  an entry set aside because it was corrupt or from another schema
 */
export type EntryKind = 'source' | 'inputs' | 'scenarios' | 'sweeps';
export const ENTRY_KINDS: readonly EntryKind[] = ['source', 'inputs', 'scenarios', 'sweeps'];
/** The schema of each kind of entry: it changes when that kind's shape does. */
export const ENTRY_VERSIONS: Readonly<Record<EntryKind, number>> = { source: 1, inputs: 1, scenarios: 2, sweeps: 1 };
/** The version of the page-exit backup's envelope (notebook-store.ts), and of any other kind of key. */
export const SCHEMA_VERSION = 1;
export const KEY_PREFIX = 'mmbook:';

export function isEntryKind(kind: string): kind is EntryKind {
  return (ENTRY_KINDS as readonly string[]).includes(kind);
}

/** The schema version entries of `kind` are written with. */
export function entryVersion(kind: string): number {
  return isEntryKind(kind) ? ENTRY_VERSIONS[kind] : SCHEMA_VERSION;
}

export function entryKey(kind: EntryKind, notebook: string): string {
  return `${KEY_PREFIX}v${ENTRY_VERSIONS[kind]}:${kind}:${notebook}`;
}

export function asideKey(original: string, now: number): string {
  return `${KEY_PREFIX}aside:${now}:${original}`;
}

export interface ParsedKey {
  version: number;
  kind: string;
  notebook: string;
}

/** Parse `mmbook:v<N>:<kind>:<notebook>`; null for keys that are not entries (aside keys, foreign keys). */
export function parseKey(key: string): ParsedKey | null {
  const m = /^mmbook:v(\d+):([a-z]+):(.+)$/.exec(key);
  if (!m) return null;
  return { version: Number(m[1]), kind: m[2], notebook: m[3] };
}
