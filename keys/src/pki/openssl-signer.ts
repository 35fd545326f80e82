/**
 * Signs forge certificates, requests and CRLs with OpenSSL (node:crypto)
 * instead of forge's JavaScript RSA, which is ~40× slower and not hardened
 * against timing side channels. forge still builds the DER: it hands the
 * to-be-signed bytes to `md.update`, which records them, and asks `key.sign`
 * for the signature, which OpenSSL computes over exactly those bytes
 * (RSASSA-PKCS1-v1_5 with SHA-256).
 */
import { createSign } from 'node:crypto';
import type forge from 'node-forge';
import { PkiError } from './errors.js';

interface ForgeSignable {
  sign(key: forge.pki.rsa.PrivateKey, md: forge.md.MessageDigest): void;
}

export function signWithOpenssl(target: ForgeSignable, privateKeyPem: string): void {
  const toBeSigned: string[] = [];
  const recorder = {
    algorithm: 'sha256',
    update(bytes: string): unknown {
      toBeSigned.push(bytes);
      return recorder;
    },
  };
  const signer = {
    sign(): string {
      const data = Buffer.from(toBeSigned.join(''), 'binary');
      return createSign('sha256').update(data).sign(privateKeyPem).toString('binary');
    },
  };
  try {
    target.sign(signer as unknown as forge.pki.rsa.PrivateKey, recorder as unknown as forge.md.MessageDigest);
  } catch (error) {
    throw new PkiError('private_key_invalid', 'signing failed: the private key could not be used', { cause: error });
  }
}
