/**
 * IndexedDB key layout. Every key carries the schema version (docs: README, "Saving"):
 *   mmbook:v1:source:<notebook>     edited notebook source   { html, savedAt }
 *   mmbook:v1:inputs:<notebook>     input values by name     { values, savedAt }
 *   mmbook:v1:scenarios:<notebook>  named input snapshots    { scenarios: { [name]: values }, savedAt }
 *   mmbook:aside:<time>:<original>  an entry set aside because it was corrupt or from another schema
 */
export const SCHEMA_VERSION = 1;
export const KEY_PREFIX = 'mmbook:';
export type EntryKind = 'source' | 'inputs' | 'scenarios';
export const ENTRY_KINDS: readonly EntryKind[] = ['source', 'inputs', 'scenarios'];

export function entryKey(kind: EntryKind, notebook: string): string {
  return `${KEY_PREFIX}v${SCHEMA_VERSION}:${kind}:${notebook}`;
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
