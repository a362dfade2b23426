/** The largest machine (src/sim/limits.ts): the kernel's bounds per profile and mmbook's own. */
import { describe, expect, it } from 'vitest';
import { checkMachineSize, fmtBytes, machineLimits, MAX_RAM_BYTES } from '../../src/sim/limits';
import { defaultKernelConfig } from '../../src/sim/input/profiles';

const TiB = 2 ** 40;
const GiB = 2 ** 30;

describe('machine limits', () => {
  it('take CPUs and nodes from the profile and the address width from the arch', () => {
    const a64 = machineLimits('arm64', defaultKernelConfig('arm64', '6.1'));
    expect(a64).toMatchObject({ maxCpus: 256, maxNodes: 16, physAddrBits: 48, commandLineSize: 2048, maxRamBytes: 256 * GiB });
    const x86 = machineLimits('x86_64', defaultKernelConfig('x86_64', '5.10'));
    expect(x86).toMatchObject({ maxCpus: 8192, maxNodes: 1024, physAddrBits: 46 });
    const arm = machineLimits('arm', defaultKernelConfig('arm', '6.1'));
    expect(arm).toMatchObject({ maxCpus: 8, maxNodes: 1, physAddrBits: 40, commandLineSize: 1024, maxRamEnd: TiB });
    expect(machineLimits('arm', { ...defaultKernelConfig('arm', '6.1'), armLpae: false }).maxRamEnd).toBe(2 ** 32);
  });

  it('accept RAM up to the limit and refuse a byte more, a too-high end or a too-wide span', () => {
    const lim = machineLimits('arm64', defaultKernelConfig('arm64', '6.1'));
    expect(() => checkMachineSize([{ base: GiB, size: MAX_RAM_BYTES }], lim)).not.toThrow();
    expect(() => checkMachineSize([{ base: GiB, size: MAX_RAM_BYTES + 4096 }], lim)).toThrow(expect.objectContaining({ code: 'MACHINE_TOO_LARGE' }));
    expect(() => checkMachineSize([{ base: GiB, size: MAX_RAM_BYTES + 4096 }], lim)).toThrow(/has 268435460 KiB \(about 256\.0 GiB\) of RAM; mmbook boots at most 256 GiB/);
    expect(() => checkMachineSize([{ base: 9 * TiB, size: GiB }], lim)).toThrow(/RAM ends at 0x90040000000 \(9217 GiB\); mmbook boots RAM below 8 TiB/);
    expect(() => checkMachineSize([{ base: GiB, size: GiB }, { base: TiB, size: GiB }], lim)).toThrow(/RAM spans 1 TiB of physical address space/);
    expect(() => checkMachineSize([{ base: GiB, size: GiB }, { base: 500 * GiB, size: GiB }], lim)).not.toThrow();
  });

  it('print sizes in binary units', () => {
    expect(fmtBytes(640 * 1024)).toBe('640 KiB');
    expect(fmtBytes(1.5 * GiB)).toBe('1536 MiB');
    expect(fmtBytes(2 ** 50)).toBe('1 PiB');
    expect(fmtBytes(100)).toBe('100 bytes');
    expect(fmtBytes(0)).toBe('0 bytes');
  });
});
