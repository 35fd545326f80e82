/** Opening the key store for a command, from the global options and environment. */
import type { Command } from 'commander';
import { KeyStore, type StoreAccess } from '../store/key-store.js';
import { passphraseOf, type CliDependencies, type CliIo, type GlobalOptions } from './cli-context.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly deps: CliDependencies;
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function openStoreFor(options: { context: CommandContext; command: Command; storePath: string; access: StoreAccess }): Promise<KeyStore> {
  const globals = globalsOf(options.command);
  const { clockMs } = options.context.deps;
  return KeyStore.open({
    path: options.storePath,
    passphrase: passphraseOf(globals, options.context.io),
    access: options.access,
    ...(globals.weakKdfForTesting === true ? { weakKdfForTestingOnly: true } : {}),
    ...(clockMs === undefined ? {} : { clockMs }),
  });
}

/** Runs `work` with an open store and always closes it (zeroing its keys, releasing the lock). */
export async function withStore<T>(options: { context: CommandContext; command: Command; storePath: string; access: StoreAccess }, work: (store: KeyStore) => Promise<T> | T): Promise<T> {
  const store = await openStoreFor(options);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
