/**
 * Child process of crash.test.ts (run with `node --import tsx`):
 *   crash-writer.ts <path> loop                 apply full lists v2, v3 … forever, printing "applied <v>" after each
 *   crash-writer.ts <path> kill-before-rename   apply a delta and SIGKILL itself between fsync and rename
 */
import { DenyListStore } from '../deny-list-store.js';
import { CRASH_LIST_ENTRY_COUNT, crashDelta, crashFullList } from './crash-lists.js';
import { TRUSTED } from './fixtures.js';

const [path, mode] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: crash-writer.ts <path> loop|kill-before-rename');
if (mode === 'loop') {
  const store = await DenyListStore.open({ ...TRUSTED, path });
  for (let version = Math.max(store.version + 1, 2); ; version++) {
    const result = await store.apply(crashFullList(version));
    if (!result.ok || result.entryCount !== CRASH_LIST_ENTRY_COUNT) throw new Error(`apply failed: ${JSON.stringify(result)}`);
    process.stdout.write(`applied ${version}\n`);
  }
} else if (mode === 'kill-before-rename') {
  const store = await DenyListStore.open({ ...TRUSTED, path, writeHooks: { beforeRename: () => process.kill(process.pid, 'SIGKILL') } });
  process.stdout.write('writing\n');
  await store.apply(crashDelta(store.version));
  process.stdout.write('not reached\n');
} else throw new Error('mode must be loop or kill-before-rename');
