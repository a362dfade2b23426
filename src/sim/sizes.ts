/** The kernel's size constants (include/linux/sizes.h) that the simulator uses, in bytes. */
export const SZ_4K = 0x1000;
export const SZ_64K = 0x10000;
export const SZ_1M = 0x100000;
export const SZ_2M = 0x200000;
export const SZ_4M = 0x400000;
export const SZ_16M = 0x1000000;
export const SZ_32M = 0x2000000;
export const SZ_64M = 0x4000000;
export const SZ_128M = 0x8000000;
export const SZ_256M = 0x10000000;
export const SZ_1G = 0x40000000;
export const SZ_4G = 0x100000000;
