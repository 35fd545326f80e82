/**
 * Third-party interop (issue 3): Debian's libfreefare tools (libfreefare-bin
 * 0.4.0, through a libnfc 1.8.0 rebuilt with its pcsc driver) drive our
 * emulated DESFire EV2 behind the real pcscd, and what they print and leave
 * on the card must agree with what our own host library reads.
 *
 * Runs when .ci/run (or a developer) started the services and built libnfc:
 *   eval "$(scripts/services/services.sh env)"
 *   export ONECARD_LIBNFC_PCSC_DIR=$(scripts/services/build-libnfc-pcsc.sh dir)
 * Otherwise the suite is skipped and says why (interop-setup.ts).
 *
 * The other libfreefare tools (EV1 configuration, access) are in
 * libfreefare-ev1-suite.ts, in this file's run: both need the same vpcd slot.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import {
  changeKeySettings, createApplication, encodeKeySettings, getApplicationIDs, getDFNames, getFileIDs, getFreeMemory, getISOFileIDs,
  getKeySettings, getKeyVersion, getVersion, readData, selectApplication,
} from '@onecard/card-os';
import { fromHex, toHex } from '@onecard/keys';
import { parseDesfireInfo } from './desfire-info-report.js';
import { interopReadiness } from './interop-setup.js';
import { describeEv1Tools } from './libfreefare-ev1-suite.js';
import { CARD_UID, SETUP_TIMEOUT_MS, TEST_TIMEOUT_MS, ZERO_DES_KEY, expectSuccess, value } from './libfreefare-expect.js';
import { LibfreefareRig, LOST_SESSION_REASON } from './libfreefare-rig.js';
import { ndefTextMessage } from './ndef-text-record.js';

/** A made-up application that mifare-desfire-format must remove. */
const SCRATCH_AID = 0x0c0e7f;
const PICC_KEY_SETTINGS_FACTORY = 0x0f;
const PICC_KEY_SETTINGS_LOCKED = 0x09;
/** NFC Forum Type 4 Tag mapping v2 as libfreefare creates it: AID 000001, DF name, ISO file ids (create-ndef.c). */
const NDEF_AID = 0x000001;
const NDEF_DF_NAME = fromHex('d2760000850101');
const NDEF_DF_FILE_ID = 0xe110;
const CC_FILE_NO = 1;
const NDEF_FILE_NO = 2;
const CC_FILE_ISO_ID = 0xe103;
const NDEF_FILE_ISO_ID = 0xe104;
const CC_LENGTH_BYTES = 15;
const NLEN_BYTES = 2;
/** Far more than one frame (libfreefare writes 54 data bytes per frame, reads ~59): many AF-chained frames each way. */
const LONG_MESSAGE_REPEAT_COUNT = 64;

const readiness = interopReadiness(process.env);
if (!readiness.ready) console.warn(`libfreefare interop: skipped: ${readiness.reason}`);
const suiteName = `libfreefare tools ↔ emulated card through pcscd${readiness.ready ? '' : ` (skipped: ${readiness.reason})`}`;

describe.skipIf(!readiness.ready)(suiteName, () => {
  let rigOrUndefined: LibfreefareRig | undefined;
  const rig = (): LibfreefareRig => {
    if (rigOrUndefined === undefined) throw new Error('rig not open: set-up failed');
    return rigOrUndefined;
  };
  let workDir = '';
  /** The running test, so that a run libnfc lost (LibfreefareRig onLostSession) skips it with the reason. */
  let currentTest: TestContext | undefined;
  let lostSessionCount = 0;

  beforeAll(async () => {
    if (!readiness.ready) return;
    workDir = await mkdtemp(join(tmpdir(), 'onecard-interop-'));
    rigOrUndefined = await LibfreefareRig.open(readiness.setup, {
      onLostSession: (reason) => {
        lostSessionCount += 1;
        currentTest?.skip(reason);
      },
    });
  }, SETUP_TIMEOUT_MS);

  beforeEach((context) => {
    currentTest = context;
    // Later tests build on earlier ones' card state (create-ndef, then write-ndef …): once libnfc lost a session, the rest is skipped too.
    if (lostSessionCount > 0) context.skip(LOST_SESSION_REASON);
  });

  afterAll(async () => {
    if (lostSessionCount > 0) console.warn(`libfreefare interop: the test with the lost session and every later one skipped: ${LOST_SESSION_REASON}`);
    await rigOrUndefined?.close();
    if (workDir !== '') await rm(workDir, { recursive: true, force: true });
  });

  afterEach(() => {
    // An emulator bug answers 6F 00; libfreefare may cope, the card must not have one.
    expect(rigOrUndefined?.internalErrors ?? []).toEqual([]);
  });

  it('nfc-list sees one ISO 14443-A target: the UID, SAK 20 and the ATS libnfc derives from the ATR', async () => {
    await rig().insertFreshCard({ uid: CARD_UID });
    const run = await rig().run('nfc-list');
    expectSuccess(rig(), run);
    const text = run.stdout.replace(/ +/g, ' ');
    expect(text, rig().explain(run)).toContain('1 ISO14443A passive target(s) found');
    expect(text).toContain(`UID (NFCID1): ${toHex(CARD_UID).replace(/(..)(?!$)/g, '$1 ')}`);
    expect(text).toContain('SAK (SEL_RES): 20');
    expect(text).toContain('ATS: 75 77 81 02 80');
  }, TEST_TIMEOUT_MS);

  it('mifare-desfire-info prints what our host library reads: version, key settings, key version, free memory', async () => {
    const card = await rig().insertFreshCard({ uid: CARD_UID });
    const ours = await rig().withHost(async (client) => {
      value(await createApplication(client, { aid: SCRATCH_AID, keySettings: { changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: false, freeDirectoryList: true, masterKeyChangeable: true }, keyType: 'aes128', keyCount: 2 }));
      return {
        version: value(await getVersion(client)),
        keySettings: encodeKeySettings(value(await getKeySettings(client)).settings),
        keyVersion: value(await getKeyVersion(client, 0)),
        freeMemoryBytes: value(await getFreeMemory(client)),
      };
    });
    expect(ours.freeMemoryBytes).toBe(card.image.eepromFreeBytes);
    expect(ours.freeMemoryBytes).toBeLessThan(card.image.eepromFreeBytesEmpty);
    const run = await rig().run('mifare-desfire-info');
    expectSuccess(rig(), run);
    const parsed = parseDesfireInfo(run.stdout);
    expect(parsed, rig().explain(run)).toMatchObject({ ok: true, reports: [expect.anything()] });
    const report = parsed.ok ? parsed.reports[0] : undefined;
    expect(report).toEqual({
      tagUidHex: toHex(CARD_UID),
      uidHex: toHex(ours.version.uid),
      batchNoHex: toHex(ours.version.batchNo),
      productionWeekBcd: ours.version.productionWeek,
      productionYearBcd: ours.version.productionYear,
      hardware: ours.version.hardware,
      software: ours.version.software,
      masterKeySettings: ours.keySettings,
      masterKeyVersion: ours.keyVersion,
      freeMemoryBytes: ours.freeMemoryBytes,
      randomUid: false,
    });
    expect(report?.uidHex).toBe(toHex(CARD_UID));
  }, TEST_TIMEOUT_MS);

  describe('mifare-desfire-format', () => {
    /** A fresh card with one application and PICC key settings 09 (master key needed to create, delete and list). */
    async function personalisedCard(): Promise<void> {
      await rig().insertFreshCard({ uid: CARD_UID });
      await rig().withHost(async (client) => {
        value(await createApplication(client, { aid: SCRATCH_AID, keySettings: { changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: true, freeDirectoryList: true, masterKeyChangeable: true }, keyType: 'des-2tdea', keyCount: 1 }));
        value(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des' }));
        value(await changeKeySettings(client, { changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: false, freeDirectoryList: false, masterKeyChangeable: true }));
      });
      expect(rig().card.image.piccKeySettings).toBe(PICC_KEY_SETTINGS_LOCKED);
    }

    it('asks "Format [yN]" and, told "n", leaves the card alone', async () => {
      await personalisedCard();
      const run = await rig().run('mifare-desfire-format', { stdin: 'n\n' });
      expectSuccess(rig(), run);
      expect(run.stdout).toContain('Format [yN]');
      expect(rig().card.image.applications.map((a) => a.aid)).toEqual([SCRATCH_AID]);
      expect(rig().card.image.piccKeySettings).toBe(PICC_KEY_SETTINGS_LOCKED);
    }, TEST_TIMEOUT_MS);

    it('told "y", authenticates with the zero DES key, resets the key settings to 0F and formats', async () => {
      await personalisedCard();
      const run = await rig().run('mifare-desfire-format', { stdin: 'y\n' });
      expectSuccess(rig(), run);
      const card = rig().card;
      await rig().withHost(async (client) => {
        expect(value(await getApplicationIDs(client))).toEqual([]);
        expect(value(await getFreeMemory(client))).toBe(card.image.eepromFreeBytesEmpty);
        expect(encodeKeySettings(value(await getKeySettings(client)).settings)).toBe(PICC_KEY_SETTINGS_FACTORY);
        // The PICC master key is still the factory DES key.
        value(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des' }));
      });
    }, TEST_TIMEOUT_MS);
  });

  // One card through the life of a Type 4 Tag, in order: no NDEF application yet, created, written and read.
  describe('NFC Forum Type 4 Tag: create-ndef, write-ndef, read-ndef', () => {
    it('read-ndef on a card without the NDEF application fails and says so', async () => {
      await rig().insertFreshCard({ uid: CARD_UID });
      const run = await rig().run('mifare-desfire-read-ndef', { args: ['-y', '-o', join(workDir, 'none.ndef')] });
      expect(run.exitCode, rig().explain(run)).toBe(1);
      expect(run.stderr).toContain('Application selection failed');
    }, TEST_TIMEOUT_MS);

    it('create-ndef makes application 000001 with the Type 4 Tag DF name, CC file E103 and NDEF file E104', async () => {
      const run = await rig().run('mifare-desfire-create-ndef', { stdin: 'y\n' });
      expectSuccess(rig(), run);
      expect(run.stdout).toContain('Create NDEF app v2 [yN]');
      await rig().withHost(async (client) => {
        expect(value(await getApplicationIDs(client))).toEqual([NDEF_AID]);
        const [dfName] = value(await getDFNames(client));
        expect({ aid: dfName?.aid, isoFileId: dfName?.isoFileId, dfName: toHex(dfName?.dfName ?? new Uint8Array(0)) }).toEqual({ aid: NDEF_AID, isoFileId: NDEF_DF_FILE_ID, dfName: toHex(NDEF_DF_NAME) });
        value(await selectApplication(client, NDEF_AID));
        expect(value(await getFileIDs(client))).toEqual([CC_FILE_NO, NDEF_FILE_NO]);
        expect(value(await getISOFileIDs(client))).toEqual([CC_FILE_ISO_ID, NDEF_FILE_ISO_ID]);
        const cc = value(await readData(client, { fileNo: CC_FILE_NO, mode: 'plain', offsetBytes: 0, lengthBytes: CC_LENGTH_BYTES }));
        // CCLEN 000F, then the NDEF File Control TLV (T 04, L 06) naming file E104 (NFC Forum T4T 2.0 §5.1).
        expect(toHex(cc.subarray(0, 2))).toBe('000f');
        expect(toHex(cc.subarray(7, 11))).toBe('0406e104');
        expect(value(await readData(client, { fileNo: NDEF_FILE_NO, mode: 'plain', offsetBytes: 0, lengthBytes: NLEN_BYTES }))).toEqual(new Uint8Array(NLEN_BYTES));
      });
    }, TEST_TIMEOUT_MS);

    for (const { name, message } of [
      { name: 'a short message', message: ndefTextMessage({ text: 'Xin chào, OneCard!', languageCode: 'vi' }) },
      { name: 'a 1.5 KB message (many chained frames each way)', message: ndefTextMessage({ text: 'Vé xe buýt Hà Nội. '.repeat(LONG_MESSAGE_REPEAT_COUNT), languageCode: 'vi' }) },
    ]) {
      it(`write-ndef then read-ndef round-trip ${name}, and the card holds NLEN ‖ message`, async () => {
        const inPath = join(workDir, 'in.ndef');
        const outPath = join(workDir, 'out.ndef');
        await writeFile(inPath, message);
        await rm(outPath, { force: true });
        const write = await rig().run('mifare-desfire-write-ndef', { args: ['-y', '-i', inPath] });
        expectSuccess(rig(), write);
        expect(write.stdout).toContain(`NDEF file is ${message.length + NLEN_BYTES} bytes long.`);
        const read = await rig().run('mifare-desfire-read-ndef', { args: ['-y', '-o', outPath] });
        expectSuccess(rig(), read);
        expect(read.stdout).toContain(`NDEF size: ${message.length} bytes`);
        expect(toHex(new Uint8Array(await readFile(outPath)))).toBe(toHex(message));
        const stored = await rig().withHost(async (client) => {
          value(await selectApplication(client, NDEF_AID));
          return value(await readData(client, { fileNo: NDEF_FILE_NO, mode: 'plain', offsetBytes: 0, lengthBytes: NLEN_BYTES + message.length }));
        });
        expect(new DataView(stored.buffer, stored.byteOffset).getUint16(0)).toBe(message.length);
        expect(toHex(stored.subarray(NLEN_BYTES))).toBe(toHex(message));
      }, TEST_TIMEOUT_MS);
    }
  });

  describeEv1Tools(rig);
});
