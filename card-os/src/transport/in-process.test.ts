import { describe, expect, it } from 'vitest';
import { CardRemovedError, InProcessChannel } from './in-process.js';
import type { VirtualCard } from './types.js';

class RecordingCard implements VirtualCard {
  readonly atr = Uint8Array.of(0x3b, 0x81, 0x80, 0x01, 0x80, 0x80);
  readonly events: string[] = [];
  powerOn(): void {
    this.events.push('on');
  }
  powerOff(): void {
    this.events.push('off');
  }
  reset(): void {
    this.events.push('reset');
  }
  process(commandApdu: Uint8Array): Uint8Array {
    this.events.push(`apdu:${commandApdu.length}`);
    return Uint8Array.of(0x91, 0x00);
  }
}

describe('InProcessChannel', () => {
  it('powers the card on at tap and off at removal, and carries APDUs between', async () => {
    const card = new RecordingCard();
    const channel = new InProcessChannel(card).tap();
    expect(await channel.transmit(Uint8Array.of(0x90, 0x60, 0, 0, 0))).toEqual(Uint8Array.of(0x91, 0x00));
    await channel.close();
    expect(card.events).toEqual(['on', 'apdu:5', 'off']);
  });
  it('refuses APDUs when no card is in the field', async () => {
    const card = new RecordingCard();
    const channel = new InProcessChannel(card);
    await expect(channel.transmit(Uint8Array.of(0x90, 0x60, 0, 0, 0))).rejects.toBeInstanceOf(CardRemovedError);
    channel.tap().remove();
    channel.remove();
    await expect(channel.transmit(Uint8Array.of(0))).rejects.toMatchObject({ code: 'card_removed' });
    expect(card.events).toEqual(['on', 'off']);
  });
});
