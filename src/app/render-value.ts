/** Renders one displayed value: DOM nodes as they are, anything else through @observablehq/inspector. */
import { Inspector } from '@observablehq/inspector';

export function renderValue(value: unknown): Node {
  if (value instanceof Node) return value;
  const div = document.createElement('div');
  div.className = 'observablehq';
  try {
    new Inspector(div).fulfilled(value);
  } catch (e) {
    div.textContent = `[cannot display value: ${e instanceof Error ? e.message : String(e)}]`;
  }
  return div;
}
