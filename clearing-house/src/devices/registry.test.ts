import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, toHex } from '@onecard/keys';
import { openTestDatabase } from '../../test/support/database.js';
import { createTestPki, DAY_MS, issueTestCertificate, NOW_MS, seedOrganisations, type TestPki } from '../../test/support/seed.js';
import type { Database } from '../db/open.js';
import { applyCrl, authenticateDevice, registerDevice } from './registry.js';

describe('device registry tied to the PKI', () => {
  let database: Database;
  let pki: TestPki;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await seedOrganisations(database.db);
    pki = createTestPki();
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  it('registers a device whose certificate chains to the root, with the certified journal key', async () => {
    const keyPair = generateEd25519KeyPair();
    const certificate = issueTestCertificate(pki, { deviceId: '501', keyPair });
    const result = await registerDevice(database.db, { certificatePem: certificate.certificatePem, journalKeyId: 'device-501', journalPublicKeyHex: toHex(keyPair.publicKey), organisationId: 'hanoibus', trust: pki.trust, crl: pki.crlWith([]), nowMs: NOW_MS });
    expect(result).toEqual({ ok: true, deviceId: 501, serialHex: certificate.serialHex });
    const authenticated = await authenticateDevice(database.db, 501, NOW_MS);
    expect(authenticated.ok && toHex(authenticated.device.journalPublicKey)).toBe(toHex(keyPair.publicKey));
    expect(await authenticateDevice(database.db, 502, NOW_MS)).toEqual({ ok: false, code: 'device_unknown' });
    expect(await authenticateDevice(database.db, 501, NOW_MS + 400 * DAY_MS)).toEqual({ ok: false, code: 'certificate_expired' });
  });

  it('refuses another journal key, a non-numeric device id, a revoked certificate and a foreign root', async () => {
    const keyPair = generateEd25519KeyPair();
    const certificate = issueTestCertificate(pki, { deviceId: '503', keyPair });
    const base = { certificatePem: certificate.certificatePem, journalKeyId: 'device-503', trust: pki.trust, nowMs: NOW_MS };
    expect(await registerDevice(database.db, { ...base, journalPublicKeyHex: toHex(generateEd25519KeyPair().publicKey), crl: pki.crlWith([]) })).toMatchObject({ ok: false, code: 'journal_key_mismatch' });
    expect(await registerDevice(database.db, { ...base, crl: pki.crlWith([certificate.serialHex]) })).toMatchObject({ ok: false, code: 'certificate_revoked' });
    const named = issueTestCertificate(pki, { deviceId: 'hn-bus-0042', keyPair });
    expect(await registerDevice(database.db, { ...base, certificatePem: named.certificatePem, crl: pki.crlWith([]) })).toMatchObject({ ok: false, code: 'device_id_not_numeric' });
    const foreign = createTestPki();
    const foreignCertificate = issueTestCertificate(foreign, { deviceId: '504', keyPair });
    expect(await registerDevice(database.db, { ...base, certificatePem: foreignCertificate.certificatePem, crl: pki.crlWith([]) })).toMatchObject({ ok: false, code: 'chain_invalid' });
    expect(await registerDevice(database.db, { ...base, crl: pki.crlWith([]), organisationId: 'nobody' })).toMatchObject({ ok: false, code: 'organisation_unknown' });
  });

  it('revokes registered devices listed on a newer CRL', async () => {
    const keyPair = generateEd25519KeyPair();
    const certificate = issueTestCertificate(pki, { deviceId: '505', keyPair });
    expect(await registerDevice(database.db, { certificatePem: certificate.certificatePem, journalKeyId: 'device-505', trust: pki.trust, crl: pki.crlWith([]), nowMs: NOW_MS })).toMatchObject({ ok: true });
    expect(await applyCrl(database.db, pki.crlWith([certificate.serialHex, 'abc123']))).toBe(1);
    expect(await authenticateDevice(database.db, 505, NOW_MS)).toEqual({ ok: false, code: 'device_revoked' });
  });
});
