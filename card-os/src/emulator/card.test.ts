import { describe, expect, it } from 'vitest';
import { InProcessChannel } from '../transport/in-process.js';
import { DESFIRE_ATR } from './card.js';
import { TEST_UID, hex, newTestCard } from './testing/fixtures.js';

describe('DesfireCard as a VirtualCard', () => {
  it('presents the contactless DESFire ATR 3B 81 80 01 80 80', () => {
    expect(newTestCard().card.atr).toEqual(hex('3b8180018080'));
    expect(DESFIRE_ATR).toEqual(hex('3b8180018080'));
  });

  it('answers PC/SC GET DATA (FF CA 00 00 00) with the 7-byte UID starting 04', () => {
    const { card } = newTestCard();
    expect(card.process(hex('ffca000000'))).toEqual(hex('04112233445566 9000'));
    expect(card.process(hex('ffca010000'))).toEqual(hex('6a81'));
  });

  it('works behind the in-process channel', async () => {
    const { card } = newTestCard();
    const channel = new InProcessChannel(card).tap();
    expect(await channel.transmit(hex('906e000000'))).toEqual(hex('001f00 9100'));
    await channel.close();
    expect(TEST_UID[0]).toBe(0x04);
  });

  it('starts every session at PICC level, unauthenticated, after reset', () => {
    const { card } = newTestCard();
    card.process(hex('90ca000005 010000 0f 81 00'));
    card.process(hex('905a000003 010000 00'));
    expect(card.process(hex('9045000000'))).toEqual(hex('0f81 9100'));
    card.reset();
    expect(card.process(hex('9045000000'))).toEqual(hex('0f01 9100'));
  });
});
