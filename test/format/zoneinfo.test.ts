import { describe, expect, it } from 'vitest';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { zoneinfoToView } from '../../src/sim/format/zoneinfo-view';
import { renderZoneinfo } from '../../src/sim/format/zoneinfo';
import { nodeStatNames, numaStatNames, zoneStatNames } from '../../src/sim/format/item-lists';
import { folderProfile, oracleFiles } from './oracle';

const files = oracleFiles('zoneinfo');

describe('zoneinfo oracle round trip', () => {
  it('finds the oracle dumps', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });
  for (const f of files) {
    it(`${f.name}: render(toView(parse(t))) === t`, () => {
      const p = parseZoneinfo(f.text);
      expect(p.layout).toBe(folderProfile(f.folder).kernel);
      const v = zoneinfoToView(p);
      expect(renderZoneinfo(v)).toBe(f.text);
    });
    it(`${f.name}: the profile's own stat name lists match the dump (no override needed)`, () => {
      const { arch, kernel } = folderProfile(f.folder);
      const v = zoneinfoToView(parseZoneinfo(f.text), { arch });
      expect(v.statNames).toBeUndefined();
      expect(v.arch).toBe(arch);
      expect(v.kernel).toBe(kernel);
      const p = parseZoneinfo(f.text);
      const firstPop = p.zones.find((z) => z.populated)!;
      expect([...zoneStatNames(v), ...numaStatNames(v)]).toEqual(firstPop.statNames);
      expect(nodeStatNames(v)).toEqual(p.nodes[0]!.statNames);
    });
  }
});
