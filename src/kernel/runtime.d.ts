// Minimal typings for @observablehq/runtime 6 (the package ships none); only what the kernel uses.
declare module '@observablehq/runtime' {
  export interface Observer {
    pending?(): void;
    fulfilled?(value: unknown, name?: string | null): void;
    rejected?(error: unknown, name?: string | null): void;
  }
  export interface Variable {
    define(name: string | null, inputs: string[], definition: unknown): Variable;
    define(inputs: string[], definition: unknown): Variable;
    delete(): Variable;
    readonly _name: string | null;
    readonly _promise: Promise<unknown>;
    readonly _value: unknown;
  }
  export interface Module {
    variable(observer?: Observer | boolean, options?: { shadow?: Record<string, unknown> }): Variable;
    define(name: string, inputs: string[], definition: unknown): Variable;
    value(name: string): Promise<unknown>;
    readonly _scope: Map<string, Variable>;
  }
  export class Runtime {
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    module(): Module;
    dispose(): void;
    _compute(): Promise<void>;
    _computing: Promise<void> | null;
  }
  export class RuntimeError extends Error {
    constructor(message: string, input?: string);
    input?: string;
  }
}
