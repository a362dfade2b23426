/**
 * Maps positions in TypeScript cells' transpiled JavaScript back to the cell source. TypeScript
 * drops type-only lines, so the body's lines do not match the cell's; TypeScript's own
 * transpileModule (the compiler notebook-kit uses, same options) gives a source map for that.
 */
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one line of base64 VLQ segments into arrays of (relative) numbers. */
function decodeSegments(line: string): number[][] {
  const segs: number[][] = [];
  for (const seg of line.split(',')) {
    if (!seg) continue;
    const nums: number[] = [];
    let value = 0;
    let shift = 0;
    for (const ch of seg) {
      const digit = B64.indexOf(ch);
      value += (digit & 31) << shift;
      if (digit & 32) { shift += 5; continue; }
      nums.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
    segs.push(nums);
  }
  return segs;
}

export type PositionMap = (line: number, column: number) => { line: number; column: number } | undefined;

/** A map from (1-based line, 0-based column) in the generated JS to the same in `source`. */
export function decodeMappings(mappings: string): PositionMap {
  // absolute [genCol, srcLine, srcCol] per generated line
  const table: Array<Array<[number, number, number]>> = [];
  let srcLine = 0;
  let srcCol = 0;
  for (const line of mappings.split(';')) {
    let genCol = 0;
    const row: Array<[number, number, number]> = [];
    for (const s of decodeSegments(line)) {
      genCol += s[0]!;
      if (s.length >= 4) {
        srcLine += s[2]!;
        srcCol += s[3]!;
        row.push([genCol, srcLine, srcCol]);
      }
    }
    table.push(row);
  }
  return (line, column) => {
    const row = table[line - 1];
    if (!row?.length) return undefined;
    let best = row[0]!;
    for (const seg of row) if (seg[0] <= column) best = seg;
    return { line: best[1] + 1, column: Math.max(0, best[2] + (column - best[0])) };
  };
}

/** Position map from TypeScript-transpiled JS back to the TypeScript cell source. */
export function typeScriptPositionMap(source: string): PositionMap | undefined {
  try {
    const r = transpileModule(source, {
      compilerOptions: { target: ScriptTarget.ESNext, module: ModuleKind.Preserve, verbatimModuleSyntax: true, sourceMap: true },
      fileName: 'cell.ts',
    });
    if (!r.sourceMapText) return undefined;
    return decodeMappings((JSON.parse(r.sourceMapText) as { mappings: string }).mappings);
  } catch {
    return undefined;
  }
}
