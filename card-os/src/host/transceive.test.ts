import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../transport/types.js';
import { RESPONSE_FRAMES_MAX, transceiveNative } from './transceive.js';

/** A card that answers from a script and records what it was sent. */
function scripted(answers: string[]): CardChannel & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    transmit(apdu: Uint8Array) {
      sent.push(toHex(apdu));
      const next = answers.shift();
      if (next === undefined) return Promise.reject(new Error('script exhausted'));
      return Promise.resolve(Uint8Array.from(Buffer.from(next, 'hex')));
    },
    close: () => Promise.resolve(),
  };
}

describe('transceiveNative', () => {
  it('collects AF-chained answers (GetVersion: three frames)', async () => {
    const card = scripted(['0401011200160591af', '0401010200160591af', '04a1b2c3d4e5f6' + '0000000000' + '0120' + '9100']);
    const answer = await transceiveNative(card, { ins: 0x60, data: new Uint8Array(0), responseChaining: 'follow' });
    expect(card.sent).toEqual(['9060000000', '90af000000', '90af000000']);
    expect(answer.status).toBe(0x00);
    expect(answer.data.length).toBe(7 + 7 + 14);
  });
  it('stops at AF for handshakes', async () => {
    const card = scripted(['a1a2a3a4a5a6a7a891af']);
    const answer = await transceiveNative(card, { ins: 0x0a, data: Uint8Array.of(0), responseChaining: 'stop' });
    expect(answer).toEqual({ status: 0xaf, data: Uint8Array.from(Buffer.from('a1a2a3a4a5a6a7a8', 'hex')), frameLengthsBytes: [8] });
    expect(card.sent).toEqual(['900a0000010000']);
  });
  it('chains a long command in 55-byte frames and stops early when the card refuses', async () => {
    const data = new Uint8Array(120).fill(0x11);
    const ok = scripted(['91af', '91af', '9100']);
    await transceiveNative(ok, { ins: 0x3d, data, responseChaining: 'follow' });
    expect(ok.sent.map((s) => s.slice(0, 10))).toEqual(['903d000037', '90af000037', '90af00000a']);
    const refused = scripted(['919d']);
    const answer = await transceiveNative(refused, { ins: 0x3d, data, responseChaining: 'follow' });
    expect(answer.status).toBe(0x9d);
    expect(refused.sent).toHaveLength(1);
  });
  it('reports malformed and non-native answers as HostError, never a crash', async () => {
    await expect(transceiveNative(scripted(['91']), { ins: 0x60, data: new Uint8Array(0), responseChaining: 'follow' })).rejects.toMatchObject({
      code: 'malformed_response',
    });
    await expect(transceiveNative(scripted(['6a82']), { ins: 0x60, data: new Uint8Array(0), responseChaining: 'follow' })).rejects.toMatchObject({
      code: 'unexpected_status_word',
    });
    await expect(transceiveNative(scripted([]), { ins: 0x60, data: new Uint8Array(0), responseChaining: 'follow' })).rejects.toMatchObject({
      code: 'transport_failed',
    });
  });
  it('gives up on a card that never stops sending frames', async () => {
    const card = scripted(Array.from({ length: RESPONSE_FRAMES_MAX + 5 }, () => '0091af'));
    await expect(transceiveNative(card, { ins: 0xbd, data: new Uint8Array(7), responseChaining: 'follow' })).rejects.toMatchObject({
      code: 'too_many_frames',
    });
    expect(card.sent.length).toBe(RESPONSE_FRAMES_MAX);
  });
});
