/**
 * `npm start`: OneCard on its embedded defaults (emulated cards, no setup).
 * Issues a demo card from card-os/examples/holders/ on an emulated DESFire
 * card kept in .onecard/demo/, and prints what each application holds.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../card-os/src/cli/main.js';

const REPO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_DIR = join(REPO_DIR, '.onecard', 'demo');
const HOLDER_PATH = join(REPO_DIR, 'card-os', 'examples', 'holders', 'pupil-all-apps.json');
/** The demo key store's passphrase: demo data only, never a production secret. */
const DEMO_PASSPHRASE = 'onecard-demo-passphrase';

async function main(): Promise<void> {
  mkdirSync(DEMO_DIR, { recursive: true });
  const cardPath = join(DEMO_DIR, 'card.img');
  rmSync(cardPath, { force: true });
  const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), env: { ...process.env, ONECARD_KEYSTORE_PASSPHRASE: DEMO_PASSPHRASE } };
  // The demo's own embedded test key store lives under .onecard/demo/, apart from any other.
  const deps = { cwd: DEMO_DIR };
  const issued = await runCli(['personalise', '--state', cardPath, '--holder', HOLDER_PATH], io, deps);
  if (issued !== 0) process.exit(issued);
  process.exitCode = await runCli(['inspect', '--state', cardPath, '--lang', process.env['ONECARD_LANG'] === 'en' ? 'en' : 'vi'], io, deps);
}

await main();
