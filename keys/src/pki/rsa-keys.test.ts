import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PkiError } from './errors.js';
import { decryptPrivateKeyPem, encryptPrivateKeyPem, generateRsaKeyPair } from './rsa-keys.js';
import { hasOpenssl } from './openssl.test-util.js';

const pair = generateRsaKeyPair({ modulusLengthBits: 2048 });
const passphrase = 'correct horse battery staple';
const encryptedPem = encryptPrivateKeyPem({ privateKeyPem: pair.privateKeyPem, passphrase });
const dir = mkdtempSync(join(tmpdir(), 'onecard-pkcs8-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('CA private key at rest (PKCS#8 PBES2)', () => {
  it('is an ENCRYPTED PRIVATE KEY that OpenSSL decrypts back to the same key', () => {
    expect(encryptedPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const decrypted = decryptPrivateKeyPem({ encryptedPem, passphrase });
    const original = createPrivateKey(pair.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
    expect(createPrivateKey(decrypted).export({ type: 'pkcs8', format: 'der' }).equals(original)).toBe(true);
  });

  it('refuses a wrong passphrase with passphrase_invalid and no secret in the message', () => {
    let caught: unknown;
    try {
      decryptPrivateKeyPem({ encryptedPem, passphrase: 'wrong passphrase!!' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PkiError);
    expect((caught as PkiError).code).toBe('passphrase_invalid');
    expect((caught as PkiError).message).not.toContain('wrong passphrase!!');
  });

  it('refuses short passphrases', () => {
    expect(() => encryptPrivateKeyPem({ privateKeyPem: pair.privateKeyPem, passphrase: 'short' })).toThrow(PkiError);
  });

  it.skipIf(!hasOpenssl())('declares PBES2 / PBKDF2-HMAC-SHA256 / 600000 iterations / AES-256-CBC to the openssl CLI', () => {
    const path = join(dir, 'ca.key.pem');
    writeFileSync(path, encryptedPem);
    const dump = execFileSync('openssl', ['asn1parse', '-in', path], { encoding: 'utf8' });
    expect(dump).toContain('PBES2');
    expect(dump).toContain('PBKDF2');
    expect(dump).toContain('hmacWithSHA256');
    expect(dump).toContain('aes-256-cbc');
    expect(dump).toMatch(/INTEGER\s+:0927C0/); // 600000
    const out = execFileSync('openssl', ['pkey', '-in', path, '-passin', `pass:${passphrase}`, '-noout', '-text_pub'], {
      encoding: 'utf8',
    });
    expect(out).toContain('Public-Key: (2048 bit)');
  });
});
