import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyOf, chainHash, decodeBatch, type BatchDecode, type JournalEvent } from '@onecard/card-os/profile';
import { decodeEnvelope, Ed25519BulkVerifier, encodeEnvelope, envelopeSigningInput, SIGNING_CONTEXTS } from '@onecard/keys';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { Random } from '@onecard/keys/testing';
import { decodeBatchFast, tryFastDecode } from './fast-decode.js';

const AT = '2026-12-04T01:00:00.000Z';
const CARD = '9704000000000018';
const MUTATION_COUNT = 400;
/** PKCS #8 DER prefix of an Ed25519 private key (RFC 8410 §7), followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const journal = new DeviceJournal({ deviceId: 4711 });
const inputs: EventInput[] = [
  { at: AT, kind: 'top-up', application: 'transit', cardNumber: CARD, tmc: 1, amountVnd: 50_000, balanceBeforeVnd: 0, balanceAfterVnd: 50_000, operatorId: 'hanoibus' },
  { at: AT, kind: 'fare', application: 'transit', cardNumber: CARD, tmc: 2, tmv: '0123456789abcdef', amountVnd: 8000, balanceBeforeVnd: 50_000, balanceAfterVnd: 42_000, operatorId: 'hanoibus', routeId: '32', stopId: 'Cầu Giấy – S1', fareProductId: 'single', riderCategory: 'adult', contractSlot: 1 },
  { at: AT, kind: 'gate-in', application: 'student', cardNumber: CARD, amountVnd: 0, siteCode: 7, gateNo: 3 },
  { at: AT, kind: 'denied', application: 'transit', cardNumber: CARD, amountVnd: 0, reason: 'deny_listed' },
  { at: AT, kind: 'autoload', application: 'transit', cardNumber: CARD, tmc: 3, amountVnd: 20_000, balanceBeforeVnd: 42_000, balanceAfterVnd: 62_000, actionId: 'a-1' },
  { at: AT, kind: 'library-loan', application: 'student', cardNumber: CARD, amountVnd: 0, detail: { itemId: 'b-42', copies: 1 } },
];
for (const input of inputs) journal.append(input);
const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 4 });
const options = { publicKey: journal.keyPair.publicKey, verifier };
const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, journal.keyPair.secretKey.subarray(0, 32)]), format: 'der', type: 'pkcs8' });

/** Re-signs another payload with the device key (a device that signs what it likes). */
function signedWith(template: Uint8Array, payloadText: string | Uint8Array): Uint8Array {
  const envelope = decodeEnvelope(template);
  const payload = typeof payloadText === 'string' ? new TextEncoder().encode(payloadText) : payloadText;
  const signature = cryptoSign(null, envelopeSigningInput({ context: SIGNING_CONTEXTS.journalBatch, keyId: envelope.keyId, payload }), privateKey);
  return encodeEnvelope({ ...envelope, payload, signature: new Uint8Array(signature) });
}

function verdict(decoded: BatchDecode): unknown {
  return decoded.ok ? { ok: true, batch: decoded.batch, payload: Buffer.from(decoded.envelope.payload).toString('hex') } : { ok: false, code: decoded.code, detail: decoded.detail };
}

/** Both entry points agree with decodeBatch; answers whether the fast path itself accepted. */
function expectSameVerdict(bytes: Uint8Array): { readonly decoded: BatchDecode; readonly fastPath: boolean } {
  const reference = verdict(decodeBatch(bytes, options));
  const fastOnly = tryFastDecode(bytes, options);
  if (fastOnly !== undefined) expect(verdict(fastOnly)).toEqual(reference);
  const decoded = decodeBatchFast(bytes, options);
  expect(verdict(decoded)).toEqual(reference);
  return { decoded, fastPath: fastOnly !== undefined };
}

const plain = journal.batch({ fromSeq: 1, toSeq: 5 });
const plainText = new TextDecoder().decode(decodeEnvelope(plain.bytes).payload);

describe('decodeBatchFast gives decodeBatch verdicts', () => {
  it('accepts valid batches with the same events, including optional fields and detail', () => {
    expect(expectSameVerdict(plain.bytes)).toMatchObject({ decoded: { ok: true }, fastPath: true });
    // detail is left to decodeBatch
    expect(expectSameVerdict(journal.batch({ fromSeq: 2, toSeq: 6 }).bytes)).toMatchObject({ decoded: { ok: true }, fastPath: false });
    expect(expectSameVerdict(journal.batch({ fromSeq: 6, toSeq: 6 }).bytes)).toMatchObject({ decoded: { ok: true }, fastPath: false });
  });

  it('answers the same for forged signatures, other keys and truncated or garbage bytes', () => {
    const envelope = decodeEnvelope(plain.bytes);
    const forged = encodeEnvelope({ ...envelope, signature: Uint8Array.from(envelope.signature, (x, i) => (i === 5 ? x ^ 0x10 : x)) });
    expect(expectSameVerdict(forged).decoded).toMatchObject({ ok: false, code: 'signature_invalid' });
    const stranger = new DeviceJournal({ deviceId: 4711 });
    stranger.append(inputs[0] as EventInput);
    expect(expectSameVerdict(stranger.batch({ fromSeq: 1, toSeq: 1 }).bytes).decoded).toMatchObject({ ok: false, code: 'signature_invalid' });
    for (const cut of [0, 1, 7, 40, plain.bytes.length - 1]) expectSameVerdict(plain.bytes.subarray(0, cut));
    expectSameVerdict(new Uint8Array(200).fill(0x5a));
  });

  it('answers the same for signed payloads that are not JSON, break the schema or the chain', () => {
    const batch = JSON.parse(plainText) as { events: Record<string, unknown>[] } & Record<string, unknown>;
    /** Re-seals the chain after a change (the device hashes what it likes), so the schema alone must refuse. */
    const reseal = (events: unknown[]): unknown[] => {
      let prev = String(batch.events[0]?.['prevHash']);
      return events.map((e) => {
        const event: Record<string, unknown> = { ...(e as Record<string, unknown>), prevHash: prev };
        try {
          event['hash'] = chainHash(prev, bodyOf(event as unknown as JournalEvent));
        } catch {
          // not hashable (a fraction): leave the old hash
        }
        prev = String(event['hash']);
        return event;
      });
    };
    const withEvents = (change: (events: Record<string, unknown>[]) => unknown[], extra: Record<string, unknown> = {}): string =>
      JSON.stringify({ ...batch, ...extra, events: reseal(change(batch.events.map((e) => ({ ...e })))) });
    const unsealed = (change: (events: Record<string, unknown>[]) => unknown[]): string => JSON.stringify({ ...batch, events: change(batch.events.map((e) => ({ ...e }))) });
    const edit = (index: number, patch: Record<string, unknown>) => (events: Record<string, unknown>[]) => events.map((e, i) => (i === index ? { ...e, ...patch } : e));
    const cases: [string, string][] = [
      ['not json', '{"v":1,'],
      ['array', '[]'],
      ['no events', withEvents(() => [])],
      ['unknown batch key', withEvents((e) => e, { extra: 1 })],
      ['batch version', withEvents((e) => e, { v: 2 })],
      ['batch createdAt', withEvents((e) => e, { createdAt: '2026-12-04' })],
      ['unknown event key', withEvents(edit(1, { colour: 'red' }))],
      ['__proto__ key', plainText.replace('{"amountVnd":8000', '{"__proto__":{"x":1},"amountVnd":8000')],
      ['null optional', withEvents(edit(1, { routeId: null }))],
      ['empty route', withEvents(edit(1, { routeId: '' }))],
      ['long route', withEvents(edit(1, { routeId: 'r'.repeat(65) }))],
      ['negative amount', withEvents(edit(1, { amountVnd: -1 }))],
      ['fractional amount', withEvents(edit(1, { amountVnd: 1.5 }))],
      ['huge amount', withEvents(edit(1, { amountVnd: 100_000_001 }))],
      ['string amount', withEvents(edit(1, { amountVnd: '8000' }))],
      ['upper-case code', withEvents(edit(1, { operatorId: 'HanoiBus' }))],
      ['bad kind', withEvents(edit(1, { kind: 'teleport' }))],
      ['bad application', withEvents(edit(1, { application: 'picc' }))],
      ['short card number', withEvents(edit(1, { cardNumber: '970400000000001' }))],
      ['unreal instant', withEvents(edit(1, { at: '2026-13-45T01:00:00.000Z' }))],
      ['upper-case hash', unsealed(edit(1, { hash: String(batch.events[1]?.['hash']).toUpperCase() }))],
      ['detail on a sealed event (still valid)', withEvents(edit(1, { detail: { note: 'x' } }))],
      ['bad detail key', withEvents(edit(1, { detail: { '1x': 'x' } }))],
      ['contract slot 3', withEvents(edit(1, { contractSlot: 3 }))],
      ['changed amount (hash mismatch)', unsealed(edit(1, { amountVnd: 7000, balanceAfterVnd: 43_000 }))],
      ['broken prevHash link', unsealed(edit(2, { prevHash: '0'.repeat(64) }))],
      ['seq gap (unsealed)', unsealed((e) => e.filter((_, i) => i !== 2))],
      ['other device in an event', withEvents(edit(2, { deviceId: 4712 }))],
      ['other device in the batch', withEvents((e) => e, { deviceId: 4712 })],
      ['seq gap', withEvents((e) => e.filter((_, i) => i !== 2))],
      ['reordered', withEvents((e) => [e[1], e[0], ...e.slice(2)])],
      ['duplicated event', withEvents((e) => [e[0], e[0], ...e.slice(1)])],
      ['duplicate key, last wins', plainText.replace('"amountVnd":8000', '"amountVnd":8000,"amountVnd":9000')],
      ['whitespace (still valid)', JSON.stringify(JSON.parse(plainText), null, 2)],
      ['keys in another order (still valid)', JSON.stringify({ events: batch.events, createdAt: batch['createdAt'], batchSeq: batch['batchSeq'], deviceId: batch['deviceId'], v: 1 })],
    ];
    for (const [name, text] of cases) {
      expect(() => expectSameVerdict(signedWith(plain.bytes, text)), name).not.toThrow();
    }
    expect(expectSameVerdict(signedWith(plain.bytes, Uint8Array.of(0x7b, 0xff, 0x7d))).decoded).toMatchObject({ ok: false, code: 'payload_not_json' });
    const stillValid = cases.filter(([name]) => name.includes('still valid')).map(([, text]) => expectSameVerdict(signedWith(plain.bytes, text)));
    expect(stillValid.map((v) => [v.decoded.ok, v.fastPath])).toEqual([
      [true, false],
      [true, true],
      [true, true],
    ]);
    const refused = cases.filter(([name]) => !name.includes('still valid') && name !== 'duplicate key, last wins').map(([name, text]) => [name, expectSameVerdict(signedWith(plain.bytes, text)).decoded.ok]);
    expect(refused.filter(([, ok]) => ok)).toEqual([]);
  });

  it('answers the same for hundreds of random one-character mutations of a signed payload', () => {
    const random = new Random(20261204);
    const alphabet = '0123456789abcdefABCDEF"{}[],:.-_ xz\\';
    let accepted = 0;
    let fastAccepted = 0;
    for (let k = 0; k < MUTATION_COUNT; k += 1) {
      const at = random.int(0, plainText.length - 1);
      const mutated = `${plainText.slice(0, at)}${random.pick(alphabet.split(''))}${plainText.slice(at + (random.next() < 0.8 ? 1 : 0))}`;
      const { decoded, fastPath } = expectSameVerdict(signedWith(plain.bytes, mutated));
      if (decoded.ok) accepted += 1;
      if (fastPath) fastAccepted += 1;
    }
    expect(fastAccepted).toBe(accepted);
    // Mutations in hashes or signed fields break the chain; a few (whitespace, an equal digit) keep it valid.
    expect(accepted).toBeLessThan(MUTATION_COUNT);
  });
});
