/**
 * Byte spans of the children of a DER SEQUENCE (X.690 §8.1). Signature checks
 * need the exact bytes that were signed (the TBS part), not a re-encoding.
 */
import { PkiError, type PkiErrorCode } from './errors.js';

export interface DerSpan {
  readonly start: number;
  readonly end: number;
}

const LONG_FORM_FLAG = 0x80;
const LENGTH_OCTETS_MAX = 4;
const HIGH_TAG_NUMBER = 0x1f;
const CONSTRUCTED_SEQUENCE_TAG = 0x30;

function elementAt(bytes: Uint8Array, offset: number, code: PkiErrorCode): DerSpan & { contentStart: number } {
  const tag = bytes[offset];
  if (tag === undefined || (tag & HIGH_TAG_NUMBER) === HIGH_TAG_NUMBER) throw new PkiError(code, 'unexpected DER tag');
  const first = bytes[offset + 1];
  if (first === undefined) throw new PkiError(code, 'DER truncated in length');
  let lengthBytes = first;
  let contentStart = offset + 2;
  if ((first & LONG_FORM_FLAG) !== 0) {
    const octetCount = first & ~LONG_FORM_FLAG;
    if (octetCount === 0 || octetCount > LENGTH_OCTETS_MAX) throw new PkiError(code, 'unsupported DER length');
    lengthBytes = 0;
    for (let i = 0; i < octetCount; i++) {
      const b = bytes[contentStart + i];
      if (b === undefined) throw new PkiError(code, 'DER truncated in length');
      lengthBytes = lengthBytes * 256 + b;
    }
    contentStart += octetCount;
  }
  const end = contentStart + lengthBytes;
  if (end > bytes.length) throw new PkiError(code, 'DER truncated in content');
  return { start: offset, contentStart, end };
}

/** Spans of the direct children of the SEQUENCE that is all of `bytes`. */
export function sequenceChildSpans(bytes: Uint8Array, code: PkiErrorCode): DerSpan[] {
  if (bytes[0] !== CONSTRUCTED_SEQUENCE_TAG) throw new PkiError(code, 'DER does not start with a SEQUENCE');
  const outer = elementAt(bytes, 0, code);
  if (outer.end !== bytes.length) throw new PkiError(code, 'DER has trailing bytes');
  const spans: DerSpan[] = [];
  let offset = outer.contentStart;
  while (offset < outer.end) {
    const child = elementAt(bytes, offset, code);
    if (child.end > outer.end) throw new PkiError(code, 'DER child overruns its parent');
    spans.push({ start: child.start, end: child.end });
    offset = child.end;
  }
  return spans;
}

const BIT_STRING_TAG = 0x03;

export interface SignedDer {
  /** Exact bytes that were signed (tbsCertificate, tbsCertList, certificationRequestInfo). */
  readonly tbsDer: Uint8Array;
  readonly algorithmDer: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Splits SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING } — the shape of
 * certificates, CRLs and PKCS#10 requests — without re-encoding anything.
 */
export function splitSigned(der: Uint8Array, code: PkiErrorCode): SignedDer {
  const spans = sequenceChildSpans(der, code);
  const [tbs, algorithm, signature] = spans;
  if (spans.length !== 3 || tbs === undefined || algorithm === undefined || signature === undefined) {
    throw new PkiError(code, 'signed structure must have 3 parts');
  }
  const bits = elementAt(der, signature.start, code);
  if (der[signature.start] !== BIT_STRING_TAG || der[bits.contentStart] !== 0) {
    throw new PkiError(code, 'signature must be a BIT STRING with no unused bits');
  }
  return {
    tbsDer: der.subarray(tbs.start, tbs.end),
    algorithmDer: der.subarray(algorithm.start, algorithm.end),
    signature: der.subarray(bits.contentStart + 1, bits.end),
  };
}
