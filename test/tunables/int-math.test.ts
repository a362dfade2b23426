import { describe, expect, it } from 'vitest';
import {
  calculateNormalThreshold,
  fls,
  intSqrt,
  mulDivU64,
  multFrac,
  pagesetSetHighAndBatch510,
  rounddownPowOfTwo,
  zoneBatchsize,
} from '../../src/sim/tunables';

describe('kernel integer helpers', () => {
  it('int_sqrt is the floor square root, exact beyond 2^53', () => {
    expect(intSqrt(64_049_536)).toBe(8003);
    expect(intSqrt(0)).toBe(0);
    expect(intSqrt(1)).toBe(1);
    expect(intSqrt(15)).toBe(3);
    expect(intSqrt(16)).toBe(4);
    expect(intSqrt(12_160_000)).toBe(3487);
    const big = 94_906_265; // floor(sqrt(2^53)) = 94906265
    expect(intSqrt(2 ** 53)).toBe(big);
    expect(intSqrt(big * big - 1)).toBe(big - 1);
  });
  it('mult_frac truncates in two steps', () => {
    expect(multFrac(241_873, 10, 10_000)).toBe(241);
    expect(multFrac(758_901, 10, 10_000)).toBe(758);
    expect(multFrac(250_241, 200, 10_000)).toBe(5004);
    expect(multFrac(9_999, 3000, 10_000)).toBe(2999);
  });
  it('(u64) multiply-divide stays exact past 2^53', () => {
    expect(mulDivU64(536_870_911, 268_435_456, 268_435_457)).toBe(536_870_909);
    expect(mulDivU64(2000, 241_873, 1_000_774)).toBe(483);
  });
  it('fls and rounddown_pow_of_two', () => {
    expect([0, 1, 2, 3, 7, 8, 1 << 30].map(fls)).toEqual([0, 1, 2, 2, 3, 4, 31]);
    expect([1, 2, 3, 95, 96, 97].map(rounddownPowOfTwo)).toEqual([1, 2, 2, 64, 64, 64]);
  });
});

describe('zone_batchsize and the 5.10 pageset sizing', () => {
  it('gives 63 from 1 GiB up, 0 for a tiny DMA zone', () => {
    expect(zoneBatchsize(262_144)).toBe(63);
    expect(zoneBatchsize(100_000_000)).toBe(63);
    expect(zoneBatchsize(3977)).toBe(0);
    expect(zoneBatchsize(0)).toBe(0);
    expect(zoneBatchsize(120_720)).toBe(31);
    expect(zoneBatchsize(104_336)).toBe(31);
  });
  it('5.10 default: high 6·batch, batch at least 1', () => {
    expect(pagesetSetHighAndBatch510(262_144, 0)).toEqual({ high: 378, batch: 63 });
    expect(pagesetSetHighAndBatch510(3977, 0)).toEqual({ high: 0, batch: 1 });
  });
  it('5.10 fraction: high managed/fraction, batch high/4 capped at 96', () => {
    expect(pagesetSetHighAndBatch510(262_144, 8)).toEqual({ high: 32_768, batch: 96 });
    expect(pagesetSetHighAndBatch510(1000, 8)).toEqual({ high: 125, batch: 31 });
    expect(pagesetSetHighAndBatch510(20, 8)).toEqual({ high: 2, batch: 1 });
  });
});

describe('calculate_normal_threshold', () => {
  it('matches the oracle thresholds and caps at 125', () => {
    expect(calculateNormalThreshold(242_099, 1)).toBe(8);
    expect(calculateNormalThreshold(3840, 1)).toBe(2);
    expect(calculateNormalThreshold(742_208, 2)).toBe(24);
    expect(calculateNormalThreshold(3840, 2)).toBe(4);
    expect(calculateNormalThreshold(1 << 30, 256)).toBe(125);
  });
});
