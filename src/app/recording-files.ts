/**
 * The shipped recordings' files (notebooks/data/recordings/NAME/*, src/lib/fixtures/recordings.ts)
 * as site assets: Vite copies each one into the build and gives its URL, so the workbench fetches
 * them from wherever the site is served, offline included.
 */
import { loadRecording, recordingInfos, type Recording, type RecordingInfo } from '../lib/fixtures/recordings';

const urls = import.meta.glob(['../../notebooks/data/recordings/*/*', '!../../notebooks/data/recordings/*/README.md'], { query: '?url', import: 'default', eager: true }) as Record<string, string>;

/** The URL of NAME/FILE among the bundled assets. */
export function recordingFileUrl(name: string, file: string): string | undefined {
  return urls[`../../notebooks/data/recordings/${name}/${file}`];
}

async function fetchFile(name: string, file: string): Promise<Uint8Array> {
  const url = recordingFileUrl(name, file);
  if (!url) throw new Error('the file is not part of this build');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${res.statusText} for ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function recordings(): RecordingInfo[] {
  return recordingInfos();
}

const loaded = new Map<string, Promise<Recording>>();

/** A shipped recording, fetched once per page (a failed fetch is tried again next time). */
export function recording(name: string): Promise<Recording> {
  let p = loaded.get(name);
  if (!p) {
    p = loadRecording(name, fetchFile);
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}
