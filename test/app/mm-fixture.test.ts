/** mm.boot of a built-in machine: its real boot's reservations replay only into its own profile. */
import { expect, it } from 'vitest';
import { mm, bootedMachine } from '../../src/lib/mm';

it('a fixture booted under the other kernel uses the model, not the fixture kernel\'s boot log', () => {
  const own = bootedMachine(mm.boot({ fixture: 'x64-1g' }));
  expect(own.parts.source).toBe('boot-log');
  const other = bootedMachine(mm.boot({ fixture: 'x64-1g', kernel: '5.10' }));
  expect(other.profile.kernel).toBe('5.10');
  expect(other.parts.source).not.toBe('boot-log');
  // with its own kernel named explicitly it still replays
  expect(bootedMachine(mm.boot({ fixture: 'x64-1g', kernel: '6.1' })).parts.source).toBe('boot-log');
});
