/**
 * The device configuration file (JSON): who the device is, its mode and
 * that mode's settings, where its data and keys live, whom it trusts for
 * lists and where the clearing house is. The file holds no secret itself,
 * only paths to the files that do (sealed bundle, device private key,
 * journal seed). Every object is strict: a misspelt field is an error, not
 * a silently ignored setting.
 */
import { GATE_DIRECTION, VISIT_TYPE } from '@onecard/card-os/profile';
import { z } from 'zod';
import { BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT, CANTEEN_RECOVERY_WINDOW_MS_DEFAULT, DISPLAY_LANGUAGES, GATE_ANTI_PASSBACK_MS_DEFAULT, GATE_RECOVERY_WINDOW_MS_DEFAULT, LIBRARY_LOAN_DAYS_DEFAULT } from '../tap/index.js';
import { CONFIG_PATH_CHARS_MAX, CONFIG_TRUSTED_LIST_KEY_COUNT_MAX, DEVICE_ID_MAX, SYNC_INTERVAL_MS_MAX, SYNC_INTERVAL_MS_MIN, U16_MAX, WINDOW_MS_MAX } from './limits.js';

const ED25519_PUBLIC_KEY_HEX_CHARS = 64;
const CODE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const GTFS_ID_PATTERN = /^[\w.:-]{1,64}$/;
const FACILITY_PATTERN = /^\d{5}$/;
const ICD10_PATTERN = /^[A-Z]\d{2}(\.\d)?$/;

const filePath = z.string().min(1).max(CONFIG_PATH_CHARS_MAX);
const u16 = z.number().int().min(1).max(U16_MAX);
const windowMs = z.number().int().min(0).max(WINDOW_MS_MAX);
const gtfsId = z.string().regex(GTFS_ID_PATTERN, 'must be a GTFS id (1..64 of letters, digits, _ . : -)');

const gate = {
  siteCode: u16,
  gateNo: u16,
  direction: z.enum([...GATE_DIRECTION.names, 'alternate']).default('alternate'),
  antiPassbackMs: windowMs.default(GATE_ANTI_PASSBACK_MS_DEFAULT),
  recoveryWindowMs: windowMs.default(GATE_RECOVERY_WINDOW_MS_DEFAULT),
};

export const modeConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bus'),
    routeId: gtfsId,
    stopId: gtfsId.optional(),
    /** GTFS-Fares v2 feed folder (validator/feeds/README.md). */
    fareFeedDir: filePath,
    fareMediaId: gtfsId.default('onecard'),
    /** Holds the top-up key (bundle role bus-validator-autoload) and applies autoloads. */
    autoload: z.boolean().default(false),
    recoveryWindowMs: windowMs.default(BUS_RECOVERY_WINDOW_MS_DEFAULT),
    repeatWindowMs: windowMs.default(BUS_REPEAT_WINDOW_MS_DEFAULT),
  }),
  z.strictObject({ kind: z.literal('school-gate'), ...gate }),
  z.strictObject({ kind: z.literal('office'), ...gate, agencyCode: u16 }),
  z.strictObject({
    kind: z.literal('canteen'),
    siteCode: u16,
    counterNo: u16,
    recoveryWindowMs: windowMs.default(CANTEEN_RECOVERY_WINDOW_MS_DEFAULT),
    /** The set meal price charged at each tap (the `run` command has no cashier keypad). */
    amountVnd: z.number().int().min(1).max(1_000_000),
  }),
  z.strictObject({
    kind: z.literal('library'),
    libraryCode: u16,
    schoolCode: u16,
    loanDays: z.number().int().min(1).max(365).default(LIBRARY_LOAN_DAYS_DEFAULT),
    /** The desk's current operation and item (barcode number), for every tap. */
    action: z.enum(['loan', 'return']),
    itemId: z.number().int().min(1).max(0xffff_ffff),
  }),
  z.strictObject({
    kind: z.literal('clinic'),
    facility: z.string().regex(FACILITY_PATTERN, 'must be a 5-digit facility code'),
    visitType: z.enum(VISIT_TYPE.names),
    reason: z.string().regex(ICD10_PATTERN, 'must be an ICD-10 code such as J06.9'),
    emergencyAccess: z.boolean().default(false),
  }),
]);

export const keyBundleConfigSchema = z.discriminatedUnion('kind', [
  /** Production: the bundle `keys bundle export` sealed to the device certificate, and the device's private key. */
  z.strictObject({ kind: z.literal('sealed'), sealedFile: filePath, privateKeyFile: filePath }),
  /** Test key stores only: the bundle as exported, unsealed (init-demo writes one). */
  z.strictObject({ kind: z.literal('plain-test'), file: filePath }),
]);

export const deviceConfigSchema = z.strictObject({
  /** Numeric device id: journal, trip records, sync (u32 ≥ 1). */
  deviceId: z.number().int().min(1).max(DEVICE_ID_MAX),
  /** Operator code the journal carries (e.g. hanoi-bus). */
  operator: z.string().regex(CODE_PATTERN, 'must be a lowercase code [a-z0-9][a-z0-9_.:-]*'),
  language: z.enum(DISPLAY_LANGUAGES).default('vi'),
  /** Journal and list snapshots (created when missing). */
  dataDir: filePath,
  mode: modeConfigSchema,
  keys: z.strictObject({
    bundle: keyBundleConfigSchema,
    /** Ed25519 journal-signing seed (`keys cert request --out-seed`): one line of hex. */
    journalSeedFile: filePath,
    /** Key id the clearing house registered the journal key under. */
    journalKeyId: z.string().regex(CODE_PATTERN, 'must be a lowercase code'),
  }),
  lists: z.strictObject({
    /** The clearing house's list-signing keys (two during a rotation). */
    trustedKeys: z
      .array(z.strictObject({ keyId: z.string().min(1).max(64), publicKeyHex: z.string().regex(new RegExp(`^[0-9a-f]{${ED25519_PUBLIC_KEY_HEX_CHARS}}$`), 'must be 32 bytes of lowercase hex') }))
      .min(1)
      .max(CONFIG_TRUSTED_LIST_KEY_COUNT_MAX),
  }),
  /** Absent: offline (normal; lists and batches wait). */
  clearingHouse: z
    .strictObject({
      baseUrl: z.url({ protocol: /^https?$/ }),
      intervalMs: z.number().int().min(SYNC_INTERVAL_MS_MIN).max(SYNC_INTERVAL_MS_MAX).optional(),
    })
    .optional(),
  reader: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('pcsc'), name: z.string().min(1).max(128).optional() }), z.strictObject({ kind: z.literal('none') })]).default({ kind: 'none' }),
  webView: z.strictObject({ port: z.number().int().min(0).max(U16_MAX), host: z.string().min(1).max(253).default('127.0.0.1') }).optional(),
});

export type DeviceConfig = z.output<typeof deviceConfigSchema>;
export type ModeConfig = DeviceConfig['mode'];
export type KeyBundleConfig = DeviceConfig['keys']['bundle'];
