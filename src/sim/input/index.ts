/** Public API of the firmware-input layer: command line, e820, kernel config, profiles, boot logs. */
export * from './memparse';
export * from './cmdline';
export * from './e820';
export * from './e820-table';
export * from './kconfig';
export * from './profiles';
export * from './boot-log';
