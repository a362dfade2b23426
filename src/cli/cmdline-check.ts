/** The unmodelled command-line parameters (CMDLINE_UNSUPPORTED): shared with the workbench, see src/lib/cmdline-warnings.ts. */
export { unmodeledParams } from '../lib/cmdline-warnings';
