import { describe, it, expect } from 'vitest';
import { parseBuildArgs } from '../../src/cli/build';
import { MmError } from '../../src/sim/errors';

describe('mmbook build arguments', () => {
  it('defaults to dist/ and accepts --out and --base', () => {
    expect(parseBuildArgs([]).out).toMatch(/dist$/);
    expect(parseBuildArgs(['--out', '/tmp/site', '--base', '/mm/'])).toEqual({ out: '/tmp/site', base: '/mm/' });
  });
  it('rejects unknown options and missing values with CLI_USAGE', () => {
    expect(() => parseBuildArgs(['--bogus'])).toThrow(MmError);
    try { parseBuildArgs(['--out']); } catch (e) { expect((e as MmError).code).toBe('CLI_USAGE'); }
    expect(() => parseBuildArgs(['--out'])).toThrow(/needs a value/);
  });
});
