/**
 * Browser stand-in for the `typescript` module that notebook-kit's transpiler (and the kernel's
 * source maps) import for `ts` cells. The real compiler is ~3.5 MB minified; bundling it statically would triple the page's
 * JavaScript for notebooks that have no TypeScript cells. vite.config.ts aliases `typescript` here;
 * the real module is loaded on demand (loadTypeScript(), which the page awaits before opening a
 * notebook that has `ts` cells) and these live bindings then point at it.
 */
type TS = typeof import('typescript');

// notebook-kit reads these two enum members when its module initialises.
export const ScriptTarget = { ESNext: 99 } as unknown as TS['ScriptTarget'];
export const ModuleKind = { Preserve: 200 } as unknown as TS['ModuleKind'];

function notLoaded<F>(name: string): F {
  return ((): never => {
    void loadTypeScript();
    throw new Error(`TypeScript support is still loading (${name}); run the cell again in a moment`);
  }) as unknown as F;
}
export let transpile: TS['transpile'] = notLoaded('transpile');
export let transpileModule: TS['transpileModule'] = notLoaded('transpileModule');
export let createProgram: TS['createProgram'] = notLoaded('createProgram');
export let createSourceFile: TS['createSourceFile'] = notLoaded('createSourceFile');
export let isClassExpression: TS['isClassExpression'] = notLoaded('isClassExpression');
export let isFunctionExpression: TS['isFunctionExpression'] = notLoaded('isFunctionExpression');
export let isParenthesizedExpression: TS['isParenthesizedExpression'] = notLoaded('isParenthesizedExpression');
export let isExpressionStatement: TS['isExpressionStatement'] = notLoaded('isExpressionStatement');

let loading: Promise<void> | undefined;
export function loadTypeScript(): Promise<void> {
  loading ??= import('../../node_modules/typescript/lib/typescript.js').then((m) => {
    const ts = ((m as { default?: TS }).default ?? m) as TS;
    transpile = ts.transpile;
    transpileModule = ts.transpileModule;
    createProgram = ts.createProgram;
    createSourceFile = ts.createSourceFile;
    isClassExpression = ts.isClassExpression;
    isFunctionExpression = ts.isFunctionExpression;
    isParenthesizedExpression = ts.isParenthesizedExpression;
    isExpressionStatement = ts.isExpressionStatement;
  });
  return loading;
}
