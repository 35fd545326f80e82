/**
 * Signing throughput: a validator signs one batch per upload (tweetnacl);
 * the clearing house verifies every batch of every device (node:crypto in
 * bulk, same signatures). Baseline: tweetnacl verify, so the ratio shows how
 * much faster bulk verification is.
 */
import { Ed25519BulkVerifier, ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } from '../src/index.js';
import { runBench } from './report.js';

const BATCH_PAYLOAD_BYTES = 2048; // ~50 journal events
const keyPair = ed25519KeyPairFromSeed(new Uint8Array(32).fill(7));
const message = new Uint8Array(BATCH_PAYLOAD_BYTES).map((_, i) => i & 0xff);
const signature = ed25519Sign({ message, secretKey: keyPair.secretKey });
const bulk = new Ed25519BulkVerifier({ cachedKeyCountMax: 16 });
const failures = { count: 0 };
const check = (valid: boolean): void => {
  if (!valid) failures.count++;
};

await runBench({
  title: `keys: Ed25519 over a ${BATCH_PAYLOAD_BYTES}-byte batch`,
  baseline: 'verify (tweetnacl)',
  tasks: [
    { name: 'sign (tweetnacl)', fn: () => ed25519Sign({ message, secretKey: keyPair.secretKey }) },
    { name: 'verify (tweetnacl)', fn: () => { check(ed25519Verify({ message, signature, publicKey: keyPair.publicKey })); } },
    { name: 'verify (node:crypto, bulk)', fn: () => { check(bulk.verify({ keyId: 'device-1', publicKey: keyPair.publicKey, message, signature })); } },
  ],
});
if (failures.count > 0) throw new Error('a signature did not verify: the bench measured a failure path');
