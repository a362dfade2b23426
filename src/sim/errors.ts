/**
 * MmError: the one error type the simulator raises for bad input.
 * `code` is stable (tests and the CLI depend on it); `message` names the input and the
 * offending value; `location` says where (DTB offset and node path, command-line token,
 * region index, file:line) when there is one.
 */
export class MmError extends Error {
  readonly code: string;
  readonly location?: string;
  constructor(code: string, message: string, location?: string) {
    super(location ? `${message} (at ${location})` : message);
    this.name = 'MmError';
    this.code = code;
    this.location = location;
  }
}

export function isMmError(e: unknown): e is MmError {
  return e instanceof MmError;
}
