/**
 * `keys derive`, `keys bundle export`, `keys audit verify`.
 *
 * `derive` prints a diversified card key only for stores created with
 * `--environment test`. A production card key on a terminal ends up in
 * scrollback, clipboards and screen recordings, and it opens that card's
 * application; production personalisation derives inside the encoding
 * station's SAM and never displays keys. Test stores need it to debug the
 * emulator and conformance runs. Every printed derivation is audited.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { auditLogPathForStore } from '../audit/audit-log.js';
import { verifyAuditLog } from '../audit/verify-audit-log.js';
import { toHex, zeroize } from '../bytes.js';
import { provisionalApplicationAids } from '../sam/application-aids.js';
import { exportDeviceBundle } from '../sam/export-device-bundle.js';
import { KEY_BUNDLE_POLICIES } from '../sam/key-bundle-roles.js';
import { Sam } from '../sam/sam.js';
import { readStoreFile } from '../store/store-file.js';
import { parseStoreText } from '../store/store-unlock.js';
import { sealBundleToVerifiedCertificate } from './bundle-sealer.js';
import { CliFailure, principalOf, readSecretFile } from './cli-context.js';
import { globalsOf, withStore, type CommandContext } from './open-store.js';
import { parseApplication, parseKeyNo, parseKeyVersion, parseRole, parseUid } from './parse-arguments.js';

const DEFAULT_DERIVE_PURPOSE = 'cli-test-derive';
const FILE_MODE_OWNER_ONLY = 0o600;

export function registerCardCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('derive')
    .description('print a diversified card key (test stores only; audited)')
    .requiredOption('--store <file>', 'key store file')
    .requiredOption('--app <application>', 'application name')
    .requiredOption('--key-no <n>', 'DESFire key number 0..13')
    .requiredOption('--uid <hex>', 'card UID, 7 bytes in hex')
    .option('--version <v>', 'key version the card carries (default: the active version)')
    .option('--purpose <text>', 'purpose recorded in the audit log', DEFAULT_DERIVE_PURPOSE)
    .option('--json', 'print JSON')
    .action(async (options: { store: string; app: string; keyNo: string; uid: string; version?: string; purpose: string; json?: boolean }, command: Command) => {
      const request = {
        application: parseApplication(options.app),
        keyNo: parseKeyNo(options.keyNo),
        uid: parseUid(options.uid),
        version: options.version === undefined ? ('active' as const) : parseKeyVersion(options.version),
        principal: principalOf(globalsOf(command), io),
        purpose: options.purpose,
      };
      await withStore({ context, command, storePath: options.store, access: 'read-only' }, (store) => {
        if (store.environment !== 'test') throw new CliFailure('refusing to print a card key from a production store (derive inside a SAM instead)');
        const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
        const derived = sam.deriveCardKey(request);
        const keyHex = toHex(derived.key);
        zeroize(derived.key);
        io.stdout(options.json === true ? `${JSON.stringify({ keyHex, keyType: derived.keyType, version: derived.version })}\n` : `${keyHex} ${derived.keyType} version ${derived.version}\n`);
      });
    });

  program
    .command('bundle')
    .description('device key bundles')
    .command('export')
    .description("export a device's SAM content, sealed to its verified certificate")
    .requiredOption('--store <file>', 'key store file')
    .requiredOption('--role <role>', 'device role (decides which masters go in)')
    .requiredOption('--device-id <id>', 'device id as in its certificate')
    .requiredOption('--cert <file>', 'device certificate (PEM) to seal to')
    .requiredOption('--ca-dir <dir>', 'CA directory to verify the certificate against (chain and CRL)')
    .requiredOption('--out <file>', 'file to write the sealed bundle to (must not exist)')
    .action(async (options: { store: string; role: string; deviceId: string; cert: string; caDir: string; out: string }, command: Command) => {
      const role = parseRole(options.role);
      const principal = principalOf(globalsOf(command), io);
      const sealKeyBundle = context.deps.sealKeyBundle ?? sealBundleToVerifiedCertificate;
      const clockMs = context.deps.clockMs ?? Date.now;
      const certificatePem = readSecretFile(options.cert, 'certificate');
      const certificateRole = KEY_BUNDLE_POLICIES[role].certificateRole;
      const exported = await withStore({ context, command, storePath: options.store, access: 'read-only' }, (store) =>
        exportDeviceBundle({
          store,
          role,
          deviceId: options.deviceId,
          applicationAids: provisionalApplicationAids(),
          principal,
          seal: (bundle) => sealKeyBundle({ certificatePem, caDir: options.caDir, deviceId: options.deviceId, certificateRole, nowMs: clockMs(), bundle }),
          clockMs,
        }),
      );
      try {
        await writeFile(options.out, exported.sealed, { flag: 'wx', mode: FILE_MODE_OWNER_ONLY });
      } catch {
        throw new CliFailure('cannot write the bundle file (it must not exist yet)');
      }
      const keys = exported.manifest.keys.map((k) => `${k.application}/${k.keyNo} v${k.version} (${k.status})`).join(', ');
      io.stdout(`bundle ${exported.manifest.bundleId} for ${role} ${options.deviceId}: ${keys}\n`);
    });

  program
    .command('audit')
    .description('audit log')
    .command('verify')
    .description("verify the store's audit log hash chain (no passphrase needed)")
    .requiredOption('--store <file>', 'key store file')
    .action(async (options: { store: string }) => {
      const document = parseStoreText(await readStoreFile(options.store));
      const result = verifyAuditLog(auditLogPathForStore(options.store), { expectedStoreId: document.storeId });
      if (!result.ok) throw new CliFailure(`audit log broken at line ${result.lineNumber} (${result.failure})`);
      if (result.lastStoreRevision !== document.revision) {
        throw new CliFailure(`audit log and key store disagree (store revision ${document.revision}, last audited ${String(result.lastStoreRevision)}): rolled-back store or lost audit lines`);
      }
      io.stdout(`audit log OK: ${result.entryCount} entries, head ${result.headHashHex}\n`);
    });

}
