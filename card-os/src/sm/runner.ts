/**
 * Pure entry points for the conformance vector runner, one per vector kind
 * of /work/shared/conformance/vectors.json. Intermediate values come from
 * the same primitives the pipelines use; APDU-level results go through real
 * host and card Ev2Session objects, so a passing vector exercises the
 * pipeline, not a twin of it.
 */
import { AES_BLOCK_SIZE_BYTES, cbcDecrypt, crc32DesfireBytes, padIso9797M2, xorBytes, type CipherName } from '@onecard/keys';
import { parseCommandApdu, wrapNative, nativeResponse, parseNativeResponse } from '../protocol/apdu.js';
import { Ins, commandSpec, headerLengthFor, type CommunicationMode, type ModeRule } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { changeKeyPlaintext } from './change-key.js';
import {
  ev2CommandMacInput,
  ev2ComputeIv,
  ev2ComputeMac,
  ev2DeriveSessionKeys,
  ev2Encrypt,
  ev2IvInput,
  ev2ResponseMacInput,
  type Ev2Direction,
} from './ev2-crypto.js';
import { Ev2Session } from './session-ev2.js';

export { ev1SessionKey, tmacSessionKeys } from './session-keys.js';
export { ev2CommandMacInput, ev2ResponseMacInput } from './ev2-crypto.js';

const LABELS: Readonly<Record<string, CipherName>> = { DES: 'des', '2TDEA': '2tdea', '3DES': '2tdea', '3TDEA': '3tdea', '3K3DES': '3tdea', AES: 'aes128' };

/** Maps a vector's key_type text ('DES', '2TDEA', '3TDEA', 'AES') to a cipher; undefined if unknown. */
export function cipherFromLabel(label: string): CipherName | undefined {
  return LABELS[label.toUpperCase()];
}

export function ev2SessionKeys(options: { key: Uint8Array; rndA: Uint8Array; rndB: Uint8Array }): {
  sv1: Uint8Array; sv2: Uint8Array; sesAuthEncKey: Uint8Array; sesAuthMacKey: Uint8Array;
} {
  return ev2DeriveSessionKeys(options);
}

/** `cmdCtr` as it enters the IV (responses: already incremented). */
export function ev2Iv(options: { sesAuthEncKey: Uint8Array; ti: Uint8Array; cmdCtr: number; direction: Ev2Direction }): { ivInput: Uint8Array; iv: Uint8Array } {
  return { ivInput: ev2IvInput(options), iv: ev2ComputeIv(options) };
}

export function ev2Mac(options: { sesAuthMacKey: Uint8Array; macInput: Uint8Array }): { cmacFull: Uint8Array; macT: Uint8Array } {
  return ev2ComputeMac(options);
}

interface Ev2State {
  readonly sesAuthEncKey: Uint8Array;
  readonly sesAuthMacKey: Uint8Array;
  readonly ti: Uint8Array;
  readonly cmdCtr: number;
}

function sessions(state: Ev2State): { host: Ev2Session; card: Ev2Session } {
  const common = { keyNo: 0, ...state };
  return { host: new Ev2Session({ ...common, role: 'host' }), card: new Ev2Session({ ...common, role: 'card' }) };
}

function fixedMode(rule: ModeRule, override: CommunicationMode | undefined): CommunicationMode {
  if (override !== undefined) return override;
  if (rule === 'plain' || rule === 'mac' || rule === 'full') return rule;
  throw new TypeError('this command takes its mode from a file: pass it');
}

/** Splits a plain C-APDU (90 INS 00 00 Lc data 00) into INS, CmdHeader and data using the command table. */
export function splitPlainCapdu(plainCapdu: Uint8Array): { ins: number; header: Uint8Array; data: Uint8Array } {
  const parsed = parseCommandApdu(plainCapdu);
  if (!parsed.ok) throw new RangeError(`plain C-APDU: ${parsed.error}`);
  const { ins, data } = parsed.value;
  const spec = commandSpec(ins);
  const headerBytes = spec === undefined ? undefined : headerLengthFor(spec, data);
  if (headerBytes === undefined) throw new RangeError('unknown command or data shorter than its header');
  return { ins, header: data.slice(0, headerBytes), data: data.slice(headerBytes) };
}

/** A full-mode command (AN12196 Tables 18/19, AN12343 WriteData) and the card's data-less answer. */
export function ev2FullCommand(options: Ev2State & { ins: number; header: Uint8Array; data: Uint8Array }): {
  iv: Uint8Array; ciphertext: Uint8Array; macInput: Uint8Array; macT: Uint8Array; capduData: Uint8Array; capdu: Uint8Array;
  responseMacInput: Uint8Array; responseMacT: Uint8Array; rapdu: Uint8Array;
} {
  const { ins, header, data, ti, cmdCtr } = options;
  const iv = ev2ComputeIv({ sesAuthEncKey: options.sesAuthEncKey, ti, cmdCtr, direction: 'command' });
  const ciphertext = ev2Encrypt({ sesAuthEncKey: options.sesAuthEncKey, iv, plaintext: data });
  const macInput = ev2CommandMacInput({ ins, cmdCtr, ti, header, data: ciphertext });
  const { macT } = ev2ComputeMac({ sesAuthMacKey: options.sesAuthMacKey, macInput });
  const responseMacInput = ev2ResponseMacInput({ status: DesfireStatus.OPERATION_OK, cmdCtr: cmdCtr + 1, ti, data: new Uint8Array(0) });
  const responseMacT = ev2ComputeMac({ sesAuthMacKey: options.sesAuthMacKey, macInput: responseMacInput }).macT;

  const { host, card } = sessions(options);
  const wrapped = host.wrapCommand({ ins, header, data, mode: 'full' });
  if (!wrapped.ok) throw new Error(`host wrap failed: ${wrapped.reason}`);
  const unwrapped = card.unwrapCommand({ ins, header, body: wrapped.body.subarray(header.length), mode: 'full' });
  if (!unwrapped.ok) throw new Error(`card unwrap failed: ${unwrapped.reason}`);
  const answer = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: new Uint8Array(0), mode: 'mac' });
  host.end();
  card.end();
  return {
    iv, ciphertext, macInput, macT, capduData: wrapped.body, capdu: wrapNative(ins, wrapped.body), responseMacInput, responseMacT,
    rapdu: nativeResponse(answer, DesfireStatus.OPERATION_OK),
  };
}

/** A command whose answer is full mode (AN12196 Table 29 GetCardUID): host wraps, then unwraps the card's R-APDU. */
export function ev2FullResponse(options: Ev2State & { plainCapdu: Uint8Array; rapdu: Uint8Array; commandMode?: CommunicationMode }): {
  capdu: Uint8Array; responseIv: Uint8Array; responseMacInput: Uint8Array; responseCmacFull: Uint8Array; responsePlainPadded: Uint8Array; data: Uint8Array;
} {
  const { ins, header, data } = splitPlainCapdu(options.plainCapdu);
  const spec = commandSpec(ins);
  if (spec === undefined) throw new RangeError('unknown command');
  const { host } = sessions(options);
  const wrapped = host.wrapCommand({ ins, header, data, mode: fixedMode(spec.commandMode, options.commandMode) });
  if (!wrapped.ok) throw new Error(`host wrap failed: ${wrapped.reason}`);
  const answer = parseNativeResponse(options.rapdu);
  if (!answer.ok) throw new RangeError(`R-APDU: ${answer.error}`);
  const body = answer.value.data;
  const ciphertext = body.subarray(0, Math.max(0, body.length - 8));
  const responseIv = ev2ComputeIv({ sesAuthEncKey: options.sesAuthEncKey, ti: options.ti, cmdCtr: options.cmdCtr + 1, direction: 'response' });
  const responseMacInput = ev2ResponseMacInput({ status: answer.value.status, cmdCtr: options.cmdCtr + 1, ti: options.ti, data: ciphertext });
  const responseCmacFull = ev2ComputeMac({ sesAuthMacKey: options.sesAuthMacKey, macInput: responseMacInput }).cmacFull;
  const responsePlainPadded = ciphertext.length % AES_BLOCK_SIZE_BYTES === 0 && ciphertext.length > 0
    ? cbcDecrypt({ cipher: 'aes128', key: options.sesAuthEncKey, iv: responseIv, data: ciphertext })
    : new Uint8Array(0);
  const unwrapped = host.unwrapResponse({ status: answer.value.status, body, mode: 'full' });
  host.end();
  if (!unwrapped.ok) throw new Error(`host unwrap failed: ${unwrapped.reason}`);
  return { capdu: wrapNative(ins, wrapped.body), responseIv, responseMacInput, responseCmacFull, responsePlainPadded, data: unwrapped.data };
}

/** EV2 ChangeKey (AN12196 Tables 25/26) through the host pipeline, and the card's MAC answer. */
export function ev2ChangeKeyCryptogram(options: Ev2State & {
  authKeyNo: number; keyNo: number; oldKey: Uint8Array; newKey: Uint8Array; newKeyVersion: number;
}): {
  keyXor: Uint8Array; crc32NewKey: Uint8Array; plaintext: Uint8Array; plaintextPadded: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array;
  macInput: Uint8Array; macT: Uint8Array; capduData: Uint8Array; responseMacT: Uint8Array;
} {
  const { ti, cmdCtr } = options;
  const plaintext = changeKeyPlaintext({
    scheme: 'ev2', keyNo: options.keyNo, authKeyNo: options.authKeyNo, newKeyCipher: 'aes128',
    oldKey: options.oldKey, newKey: options.newKey, keyVersion: options.newKeyVersion,
  });
  const header = Uint8Array.of(options.keyNo);
  const iv = ev2ComputeIv({ sesAuthEncKey: options.sesAuthEncKey, ti, cmdCtr, direction: 'command' });
  const ciphertext = ev2Encrypt({ sesAuthEncKey: options.sesAuthEncKey, iv, plaintext });
  const macInput = ev2CommandMacInput({ ins: Ins.ChangeKey, cmdCtr, ti, header, data: ciphertext });
  const { host, card } = sessions(options);
  const wrapped = host.wrapPreformattedFull({ ins: Ins.ChangeKey, header, plaintext });
  if (!wrapped.ok) throw new Error(`host wrap failed: ${wrapped.reason}`);
  const unwrapped = card.unwrapPreformattedFull({ ins: Ins.ChangeKey, header, body: wrapped.body.subarray(header.length) });
  if (!unwrapped.ok) throw new Error(`card unwrap failed: ${unwrapped.reason}`);
  const answer = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: new Uint8Array(0), mode: 'mac' });
  host.end();
  card.end();
  return {
    keyXor: xorBytes(options.newKey, options.oldKey),
    crc32NewKey: crc32DesfireBytes(options.newKey),
    plaintext,
    plaintextPadded: padIso9797M2(plaintext, { blockSizeBytes: AES_BLOCK_SIZE_BYTES, whenAligned: 'add-block' }),
    iv, ciphertext, macInput,
    macT: ev2ComputeMac({ sesAuthMacKey: options.sesAuthMacKey, macInput }).macT,
    capduData: wrapped.body,
    responseMacT: answer,
  };
}

