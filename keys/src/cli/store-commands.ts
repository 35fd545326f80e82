/**
 * `keys init`, `keys master add|rotate|retire|list`, `keys passphrase change`.
 */
import { Option, type Command } from 'commander';
import { KeyStore, type MasterKeyMaterial } from '../store/key-store.js';
import type { MasterKeyInfo } from '../store/master-key-info.js';
import { MASTER_KEY_LENGTH_BYTES, MASTER_KEY_TYPES, type MasterKeyType } from '../store/master-key-slot.js';
import { KeyStoreError } from '../store/key-store-error.js';
import { CliUsageError, newPassphraseOf, passphraseOf, principalOf, readSecretFile } from './cli-context.js';
import { globalsOf, withStore, type CommandContext } from './open-store.js';
import { parseApplication, parseBoundedInteger, parseHexBytes, parseKeyNo, parseKeyType, parseKeyVersion } from './parse-arguments.js';
import { SCRYPT_COST_LOG2_MAX, SCRYPT_COST_LOG2_PRODUCTION_MIN, SCRYPT_COST_LOG2_TESTING_MIN, type KdfOptions } from '../store/kdf.js';

const DEFAULT_SYSTEM_ID = 'OneCard';

interface SlotOptions {
  readonly store: string;
  readonly app: string;
  readonly keyNo: string;
}

function kdfOf(costText: string, command: Command): KdfOptions {
  const scryptCostLog2 = parseBoundedInteger(costText, { option: '--scrypt-cost-log2', min: SCRYPT_COST_LOG2_TESTING_MIN, max: SCRYPT_COST_LOG2_MAX });
  return globalsOf(command).weakKdfForTesting === true ? { scryptCostLog2, weakKdfForTestingOnly: true } : { scryptCostLog2 };
}

function materialOf(options: { importFile?: string; version?: string }, keyType: MasterKeyType): MasterKeyMaterial {
  if (options.importFile === undefined) {
    if (options.version !== undefined) throw new CliUsageError('--version applies only with --import-file');
    return { source: 'generate' };
  }
  if (options.version === undefined) throw new CliUsageError('--import-file needs --version (the key version the cards carry)');
  const keyBytes = parseHexBytes(readSecretFile(options.importFile, 'key'), { what: 'the imported key', lengthsBytes: [MASTER_KEY_LENGTH_BYTES[keyType]] });
  return { source: 'import', keyBytes, version: parseKeyVersion(options.version) };
}

function zeroizeMaterial(material: MasterKeyMaterial): void {
  if (material.source === 'import') material.keyBytes.fill(0);
}

function describeMaster(master: MasterKeyInfo): string {
  const versions = master.versions.map((v) => `${v.version}:${v.status}`).join(' ');
  return `${master.application}\tkey ${master.keyNo}\t${master.keyType}\tactive ${master.activeVersion}\t[${versions}]`;
}

export function registerStoreCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('init')
    .description('create a new key store and its audit log')
    .requiredOption('--store <file>', 'key store file to create')
    .addOption(new Option('--environment <env>', 'production or test (test stores may print card keys)').choices(['production', 'test']).makeOptionMandatory())
    .requiredOption('--scrypt-cost-log2 <n>', `scrypt cost N = 2^n (production: at least ${SCRYPT_COST_LOG2_PRODUCTION_MIN})`)
    .option('--system-id <text>', 'AN10922 system identifier (ASCII)', DEFAULT_SYSTEM_ID)
    .action(async (options: { store: string; environment: 'production' | 'test'; scryptCostLog2: string; systemId: string }, command: Command) => {
      const globals = globalsOf(command);
      const { clockMs } = context.deps;
      const store = await KeyStore.create({
        path: options.store,
        passphrase: passphraseOf(globals, io),
        kdf: kdfOf(options.scryptCostLog2, command),
        environment: options.environment,
        systemIdentifier: new TextEncoder().encode(options.systemId),
        principal: principalOf(globals, io),
        ...(clockMs === undefined ? {} : { clockMs }),
      });
      io.stdout(`created ${options.environment} key store ${store.storeId}\n`);
      store.close();
    });

  const master = program.command('master').description('manage master keys');
  const slotCommand = (name: string, description: string): Command =>
    master.command(name).description(description).requiredOption('--store <file>', 'key store file').requiredOption('--app <application>', 'application name').requiredOption('--key-no <n>', 'DESFire key number 0..13');

  slotCommand('add', 'add a master key (random, or imported from a hex file)')
    .requiredOption('--type <type>', MASTER_KEY_TYPES.join(' | '))
    .option('--import-file <file>', 'file holding the key in hex (instead of generating one)')
    .option('--version <v>', 'key version of the imported key')
    .action(async (options: SlotOptions & { type: string; importFile?: string; version?: string }, command: Command) => {
      const slot = { application: parseApplication(options.app), keyNo: parseKeyNo(options.keyNo) };
      const keyType = parseKeyType(options.type);
      const principal = principalOf(globalsOf(command), io);
      const material = materialOf(options, keyType);
      const added = await withStore({ context, command, storePath: options.store, access: 'read-write' }, (store) => store.addMaster({ ...slot, keyType, material, principal })).finally(() => {
        zeroizeMaterial(material);
      });
      io.stdout(`added ${describeMaster(added)}\n`);
    });

  slotCommand('rotate', 'make a new version active; the previous one becomes retiring')
    .option('--import-file <file>', 'file holding the new key in hex')
    .option('--version <v>', 'key version of the imported key')
    .action(async (options: SlotOptions & { importFile?: string; version?: string }, command: Command) => {
      const slot = { application: parseApplication(options.app), keyNo: parseKeyNo(options.keyNo) };
      const principal = principalOf(globalsOf(command), io);
      const rotated = await withStore({ context, command, storePath: options.store, access: 'read-write' }, async (store) => {
        const current = store.listMasters().find((m) => m.application === slot.application && m.keyNo === slot.keyNo);
        if (current === undefined) throw new KeyStoreError('unknown_key', 'no master key for that application and key number');
        const material = materialOf(options, current.keyType);
        try {
          return await store.rotateMaster({ ...slot, material, principal });
        } finally {
          zeroizeMaterial(material);
        }
      });
      io.stdout(`rotated ${describeMaster(rotated)}\n`);
    });

  slotCommand('retire', 'retire a retiring version (destroys it; cards still on it stop working)')
    .requiredOption('--version <v>', 'version to retire')
    .action(async (options: SlotOptions & { version: string }, command: Command) => {
      const request = { application: parseApplication(options.app), keyNo: parseKeyNo(options.keyNo), version: parseKeyVersion(options.version) };
      const principal = principalOf(globalsOf(command), io);
      const retired = await withStore({ context, command, storePath: options.store, access: 'read-write' }, (store) => store.retireVersion({ ...request, principal }));
      io.stdout(`retired ${describeMaster(retired)}\n`);
    });

  master
    .command('list')
    .description('list master keys (metadata only)')
    .requiredOption('--store <file>', 'key store file')
    .option('--json', 'print JSON')
    .action(async (options: { store: string; json?: boolean }, command: Command) => {
      const masters = await withStore({ context, command, storePath: options.store, access: 'read-only' }, (store) => store.listMasters());
      io.stdout(options.json === true ? `${JSON.stringify(masters, null, 2)}\n` : masters.map((m) => `${describeMaster(m)}\n`).join(''));
    });

  program
    .command('passphrase')
    .description('key store passphrase')
    .command('change')
    .description(`re-encrypt the store under a new passphrase (from --new-passphrase-file or $ONECARD_KEYSTORE_NEW_PASSPHRASE)`)
    .requiredOption('--store <file>', 'key store file')
    .requiredOption('--scrypt-cost-log2 <n>', `scrypt cost for the new passphrase (production: at least ${SCRYPT_COST_LOG2_PRODUCTION_MIN})`)
    .option('--new-passphrase-file <file>', 'file holding the new passphrase')
    .action(async (options: { store: string; scryptCostLog2: string; newPassphraseFile?: string }, command: Command) => {
      const newPassphrase = newPassphraseOf(options.newPassphraseFile, io);
      const kdf = kdfOf(options.scryptCostLog2, command);
      const principal = principalOf(globalsOf(command), io);
      await withStore({ context, command, storePath: options.store, access: 'read-write' }, (store) => store.changePassphrase({ newPassphrase, kdf, principal }));
      io.stdout('passphrase changed\n');
    });
}
