// `npm test` setup step (pretest): the browser tests drive Debian's chromium. If it is missing,
// install it with apt-get (as root, or through sudo when that needs no password); otherwise say how.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const root = process.getuid?.() === 0;
const sudo = !root && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!has('apt-get') || (!root && !sudo)) {
  console.error(`mmbook: the browser tests need Chromium at ${path}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
console.error(`mmbook: ${path} is missing; installing Debian's chromium package for the browser tests…`);
const run = (args) => execFileSync(sudo ? 'sudo' : args[0], sudo ? args : args.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
try {
  run(['apt-get', 'update', '-y']);
  run(['apt-get', 'install', '-y', 'chromium']);
} catch (e) {
  console.error(`mmbook: installing chromium failed (${e.message}). Install it with apt-get install -y chromium, or set CHROMIUM_PATH.`);
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`mmbook: chromium was installed but ${path} does not exist; set CHROMIUM_PATH.`);
  process.exit(1);
}
