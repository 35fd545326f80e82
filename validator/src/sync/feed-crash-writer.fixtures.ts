/**
 * Child process of feed-crash.test.ts (run with `node --import tsx`):
 *   feed-crash-writer.fixtures.ts <feedPath> <envelopePath> <publicKeyHex>
 * installs the envelope through FileFareFeedSink and SIGKILLs itself after
 * the temporary file is fsynced, before the rename.
 */
import { readFileSync } from 'node:fs';
import { fromHex } from '@onecard/keys';
import { FileFareFeedSink } from './feed-sink.js';

const [feedPath, envelopePath, publicKeyHex] = process.argv.slice(2);
if (feedPath === undefined || envelopePath === undefined || publicKeyHex === undefined) throw new Error('usage: feed-crash-writer.fixtures.ts <feedPath> <envelopePath> <publicKeyHex>');
const { sink } = await FileFareFeedSink.open({
  path: feedPath,
  trustedKeys: [{ keyId: 'ch-lists-1', publicKey: fromHex(publicKeyHex) }],
  onInstalled: () => undefined,
  hooks: { beforeRename: () => process.kill(process.pid, 'SIGKILL') },
});
process.stdout.write(`writing over ${sink.version()}\n`);
await sink.install(new Uint8Array(readFileSync(envelopePath)));
process.stdout.write('not reached\n');
