/**
 * Locating data ‖ CRC ‖ zero padding inside a decrypted EV1/D40 block
 * sequence (libfreefare mifare_cryto_postprocess_data, MDCM_ENCIPHERED).
 * The data length is not sent; it is the one length for which the CRC
 * matches and only zero bytes follow (libfreefare also accepts 0x80 as the
 * first padding byte). A length the header already fixes is used as is.
 *
 * Candidates are tried shortest first, as libfreefare does. Longer ones
 * are structurally ambiguous: both CRCs have no final XOR, so after
 * data ‖ CRC the register is zero and CRC(data ‖ crc[0..k)) equals
 * crc[k..] followed by zero bytes, which the zero padding then "matches".
 * When the CRC ends with the data (EV1 commands: Cmd ‖ header ‖ data; D40:
 * data), a shorter candidate also matches whenever the last data byte
 * equals the low byte of the CRC register before it: about 1 message in
 * 256. Such framing is ambiguous without a length; callers that know the
 * plain length (command header, file settings) must pass it. EV1 answers
 * (CRC over data ‖ status) do not have this structure.
 */
import { equalBytes } from '@onecard/keys';

const PAD_MARKER = 0x80;

export function findCrcFrame(options: {
  padded: Uint8Array;
  blockSizeBytes: number;
  crcLengthBytes: number;
  /** CRC bytes for a candidate data (the caller adds Cmd ‖ header or status). */
  crcOf: (data: Uint8Array) => Uint8Array;
  knownLengthBytes?: number | undefined;
}): Uint8Array | undefined {
  const { padded, blockSizeBytes, crcLengthBytes, crcOf } = options;
  const candidates: number[] = [];
  if (options.knownLengthBytes !== undefined) {
    candidates.push(options.knownLengthBytes);
  } else {
    for (let padBytes = blockSizeBytes - 1; padBytes >= 0; padBytes--) candidates.push(padded.length - crcLengthBytes - padBytes);
  }
  for (const dataBytes of candidates) {
    if (dataBytes < 0 || dataBytes + crcLengthBytes > padded.length) continue;
    const crcEnd = dataBytes + crcLengthBytes;
    if (padded.length - crcEnd >= blockSizeBytes) continue; // padding never spans a whole block
    if (!paddingValid(padded, crcEnd)) continue;
    const data = padded.subarray(0, dataBytes);
    if (equalBytes(crcOf(data), padded.subarray(dataBytes, crcEnd))) return data.slice();
  }
  return undefined;
}

function paddingValid(padded: Uint8Array, from: number): boolean {
  for (let i = from; i < padded.length; i++) {
    const byte = padded[i];
    if (byte !== 0 && !(byte === PAD_MARKER && i === from)) return false;
  }
  return true;
}

/** Length `zeroPad` gives `lengthBytes` of data: a block multiple, at least one block (libfreefare padded_data_length). */
export function zeroPaddedLengthBytes(lengthBytes: number, blockSizeBytes: number): number {
  return Math.max(blockSizeBytes, Math.ceil(lengthBytes / blockSizeBytes) * blockSizeBytes);
}

/** Pads with zero bytes to a block multiple (none when aligned; libfreefare padded_data_length). */
export function zeroPad(data: Uint8Array, blockSizeBytes: number): Uint8Array {
  const out = new Uint8Array(zeroPaddedLengthBytes(data.length, blockSizeBytes));
  out.set(data);
  return out;
}
