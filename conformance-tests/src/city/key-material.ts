/**
 * The city's key material, made fresh in a temp folder: a test key store
 * holding every card-profile master (keys/ KeyStore + SAM), device key
 * bundles exported per role exactly as a device receives them, a device CA
 * with one certificate per device certifying its Ed25519 journal key, a CRL,
 * and the clearing house's list-signing key. Test environment only: the store
 * is marked `test` and uses the testing-only weak KDF.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMissingProfileMasters, profileApplicationAids, samKeySource, type ProfileKeySource } from '@onecard/card-os/profile';
import {
  KeyStore,
  Sam,
  createDeviceCsr,
  createRootCa,
  exportDeviceBundle,
  generateEd25519KeyPair,
  issueCrl,
  issueDeviceCertificate,
  verifyCrl,
  type CaCredentials,
  type DeviceTrust,
  type Ed25519KeyPair,
  type KeyBundleRole,
  type VerifiedCrl,
} from '@onecard/keys';
import { openDeviceKeys, type DeviceKeys } from '@onecard/validator';
import { CITY_CA_VALIDITY_DAYS, CITY_CRL_VALIDITY_MS, CITY_DEVICE_CERTIFICATE_VALIDITY_DAYS } from './limits.js';

const PRINCIPAL = 'onecard-city';
/** Demo and test data only: the store lives in a temp folder and dies with the city. */
const PASSPHRASE = 'onecard-city-test-store';
const SCRYPT_COST_LOG2_TEST = 10;
const SYSTEM_IDENTIFIER = new TextEncoder().encode('OneCard');
const DAY_MS = 86_400_000;

export interface DeviceCredentials {
  readonly deviceId: number;
  readonly certificatePem: string;
  readonly serialHex: string;
  readonly journalKeyId: string;
  readonly journalKeyPair: Ed25519KeyPair;
}

export interface CityKeys {
  /** Every master: the issuer's encoding station. */
  readonly issuer: ProfileKeySource;
  readonly trust: DeviceTrust;
  readonly listSigner: { readonly keyId: string; readonly keyPair: Ed25519KeyPair };
  /** The current CRL (re-issued when it nears its nextUpdate). */
  crl(nowMs: number): VerifiedCrl;
  deviceKeys(role: KeyBundleRole, deviceId: number): Promise<DeviceKeys>;
  certifyDevice(deviceId: number, nowMs: number): DeviceCredentials;
  close(): void;
}

export async function createCityKeys(input: { readonly nowMs: number }): Promise<CityKeys> {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-city-keys-'));
  const store = await KeyStore.create({
    path: join(dir, 'keystore.json'),
    passphrase: PASSPHRASE,
    kdf: { scryptCostLog2: SCRYPT_COST_LOG2_TEST, weakKdfForTestingOnly: true },
    environment: 'test',
    systemIdentifier: SYSTEM_IDENTIFIER,
    principal: PRINCIPAL,
  });
  await addMissingProfileMasters(store, { principal: PRINCIPAL });
  const sam = Sam.fromStore({ store, applicationAids: profileApplicationAids() });
  const root: CaCredentials = createRootCa({ commonName: 'OneCard City Device CA', validityDays: CITY_CA_VALIDITY_DAYS, nowMs: input.nowMs - DAY_MS });
  const opened: DeviceKeys[] = [];
  let crl: VerifiedCrl | undefined;
  let crlNumber = 0n;
  return {
    issuer: cachedKeySource(samKeySource({ sam, principal: PRINCIPAL, purpose: 'issue' })),
    trust: { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [] },
    listSigner: { keyId: 'city-lists-1', keyPair: generateEd25519KeyPair() },
    crl: (nowMs) => {
      if (crl === undefined || crl.nextUpdateMs - nowMs < CITY_CRL_VALIDITY_MS / 2) {
        crlNumber += 1n;
        const crlPem = issueCrl({ issuer: root, revoked: [], crlNumber, thisUpdateMs: nowMs - DAY_MS, nextUpdateMs: nowMs + CITY_CRL_VALIDITY_MS });
        crl = verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs });
      }
      return crl;
    },
    deviceKeys: async (role, deviceId) => {
      const exported = await exportDeviceBundle({ store, role, deviceId: `city-${deviceId}`, applicationAids: profileApplicationAids(), principal: PRINCIPAL, seal: (plaintext) => plaintext.slice() });
      const keys = openDeviceKeys({ bundle: exported.sealed, expectedRole: role });
      exported.sealed.fill(0);
      opened.push(keys);
      return keys;
    },
    certifyDevice: (deviceId, nowMs) => {
      const journalKeyPair = generateEd25519KeyPair();
      const csr = createDeviceCsr({ role: 'validator', deviceId: String(deviceId), journalKeyPair });
      const issued = issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: CITY_DEVICE_CERTIFICATE_VALIDITY_DAYS, nowMs: nowMs - DAY_MS });
      return { deviceId, certificatePem: issued.certificatePem, serialHex: issued.identity.serialHex, journalKeyId: `city-device-${deviceId}`, journalKeyPair };
    },
    close: () => {
      for (const keys of opened) keys.close();
      sam.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Derives each (UID, slot, version) once: a store-backed SAM fsyncs an audit record per derivation. */
function cachedKeySource(source: ProfileKeySource): ProfileKeySource {
  const cache = new Map<string, { key: Uint8Array; version: number } | undefined>();
  return {
    cardKey(request) {
      const id = `${Buffer.from(request.uid).toString('hex')}/${request.ref.application}/${request.ref.keyNo}/${String(request.version)}`;
      if (!cache.has(id)) cache.set(id, source.cardKey(request));
      const found = cache.get(id);
      return found === undefined ? undefined : { key: found.key.slice(), version: found.version };
    },
  };
}
