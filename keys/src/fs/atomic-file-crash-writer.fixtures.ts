/**
 * Child process of atomic-file.test.ts (run with `node --import tsx`):
 *   atomic-file-crash-writer.fixtures.ts <path> loop                 write versions 1, 2 … forever, printing "wrote <v>" after each
 *   atomic-file-crash-writer.fixtures.ts <path> kill-before-rename   write once and SIGKILL itself between fsync and rename
 */
import { writeFileAtomic } from './atomic-file.js';
import { crashPayload } from './atomic-file-crash-payload.fixtures.js';

const FILE_MODE = 0o600;

const [path, mode] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: atomic-file-crash-writer.fixtures.ts <path> loop|kill-before-rename');
if (mode === 'loop') {
  for (let version = 1; ; version++) {
    await writeFileAtomic(path, crashPayload(version), { fileMode: FILE_MODE, ifExists: 'replace' });
    process.stdout.write(`wrote ${version}\n`);
  }
} else if (mode === 'kill-before-rename') {
  process.stdout.write('writing\n');
  await writeFileAtomic(path, crashPayload(2), { fileMode: FILE_MODE, ifExists: 'replace', beforeRename: () => process.kill(process.pid, 'SIGKILL') });
  process.stdout.write('not reached\n');
} else throw new Error('mode must be loop or kill-before-rename');
