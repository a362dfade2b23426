/**
 * Kernel errors. `src/kernel` must not import `src/sim`, so this mirrors MmError's shape
 * (stable `code`, message naming the problem and where); the CLI maps it to MmError.
 */
export class KernelError extends Error {
  readonly code: string;
  readonly location?: string;
  constructor(code: string, message: string, location?: string) {
    super(location ? `${message} (at ${location})` : message);
    this.name = 'KernelError';
    this.code = code;
    this.location = location;
  }
}
