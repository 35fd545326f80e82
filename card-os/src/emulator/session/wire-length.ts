/**
 * How many bytes a long command's data field occupies on the wire once
 * secure messaging has been applied, so the card knows when to stop asking
 * for AF frames (MF2DLHX0 §9.2: the PICC requests further frames until the
 * announced length has arrived).
 *   plain  header ‖ data
 *   mac    header ‖ data ‖ MAC (sm: commandTrailerBytes)
 *   full   EV2: header ‖ E(data ‖ 80 00… to 16) ‖ MACt(8)        (AN12343 §4)
 *          EV1: header ‖ E(data ‖ CRC32 ‖ 00… to the block size)   (libfreefare)
 *          D40: header ‖ D(data ‖ CRC16 ‖ 00… to 8)                (libfreefare)
 */
import { CIPHERS } from '@onecard/keys';
import type { CommunicationMode } from '../../protocol/commands.js';
import { D40Session, CRC16_BYTES } from '../../sm/session-d40.js';
import { CRC32_BYTES, Ev1Session } from '../../sm/session-ev1.js';
import type { SecureSession } from '../../sm/session.js';

const EV2_BLOCK_BYTES = CIPHERS.aes128.blockSizeBytes;
const EV2_PAD_MARKER_BYTES = 1;
const EV2_MAC_BYTES = 8;

function paddedBytes(lengthBytes: number, blockSizeBytes: number): number {
  return Math.max(blockSizeBytes, Math.ceil(lengthBytes / blockSizeBytes) * blockSizeBytes);
}

export function commandWireLengthBytes(options: {
  channel: SecureSession | null;
  mode: CommunicationMode;
  headerLengthBytes: number;
  plainDataLengthBytes: number;
}): number {
  const { channel, mode, headerLengthBytes } = options;
  const dataBytes = options.plainDataLengthBytes - headerLengthBytes;
  if (channel === null || mode === 'plain' || dataBytes <= 0) return options.plainDataLengthBytes + (channel === null ? 0 : channel.commandTrailerBytes(mode === 'full' ? 'mac' : mode));
  if (mode === 'mac') return options.plainDataLengthBytes + channel.commandTrailerBytes('mac');
  if (channel instanceof Ev1Session) return headerLengthBytes + paddedBytes(dataBytes + CRC32_BYTES, CIPHERS[channel.cipher].blockSizeBytes);
  if (channel instanceof D40Session) return headerLengthBytes + paddedBytes(dataBytes + CRC16_BYTES, CIPHERS[channel.cipher].blockSizeBytes);
  return headerLengthBytes + Math.ceil((dataBytes + EV2_PAD_MARKER_BYTES) / EV2_BLOCK_BYTES) * EV2_BLOCK_BYTES + EV2_MAC_BYTES;
}
