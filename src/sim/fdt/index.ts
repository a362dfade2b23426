/** Public API of the FDT layer. */
export * from './fdt-parse';
export * from './fdt-props';
export * from './fdt-scan';
export * from './fdt-numa';
export * from './fdt-reserved-mem';
export * from './reserved-mem-sort';
export * from './fdt-build';
export * from './fdt-topology';
