/**
 * Vector kinds computed by card-os secure messaging: EV1/EV2 session keys,
 * EV2 authentication traces, IVs, MACs, full-mode commands and responses,
 * ChangeKey, Transaction MAC session keys. APDU-level values come from real
 * host and card sessions (card-os/src/sm/runner*.ts), not from a twin here.
 */
import {
  Ev2Session,
  cipherFromLabel,
  ev1SessionKey,
  ev2AuthTrace,
  ev2ChangeKeyCryptogram,
  ev2CommandMacInput,
  ev2FullCommand,
  ev2FullResponse,
  ev2Iv,
  ev2Mac,
  ev2ResponseMacInput,
  ev2SessionKeys,
  nativeResponse,
  splitPlainCapdu,
  tmacSessionKeys,
  wrapNative,
} from '@onecard/card-os';
import { fromHex, toHex } from '@onecard/keys';
import { field, hasInput, hexInput, intInput } from './inputs.js';
import type { CardRandomReader, Inputs, KindHandler, VectorValue } from './judge.js';

const OK_STATUS = 0x00;

function ev2State(inputs: Inputs): { sesAuthEncKey: Uint8Array; sesAuthMacKey: Uint8Array; ti: Uint8Array; cmdCtr: number } {
  return {
    sesAuthEncKey: hasInput(inputs, 'ses_auth_enc_key') ? hexInput(inputs, 'ses_auth_enc_key') : new Uint8Array(16),
    sesAuthMacKey: hexInput(inputs, 'ses_auth_mac_key'),
    ti: hexInput(inputs, 'ti'),
    cmdCtr: intInput(inputs, 'cmd_ctr'),
  };
}

function directionFromLabel(label: string): 'command' | 'response' {
  if (label.startsWith('A55A')) return 'command';
  if (label.startsWith('5AA5')) return 'response';
  throw new Error('input label names no direction');
}

function randomHex(cardRandom: CardRandomReader, name: string): Uint8Array | undefined {
  const value = cardRandom(name);
  return typeof value === 'string' ? fromHex(value) : undefined;
}

/**
 * PCDcap2 as the host sends it: from the published capdu1 when given (its
 * LenCap may be 0), else the `pcdcap2` input. The card echoes it zero-filled
 * to 6 bytes, which is the form a trace's `pcdcap2` input usually shows.
 */
function pcdCap2Sent(inputs: Inputs): Uint8Array | undefined {
  if (hasInput(inputs, 'capdu1')) {
    const capdu1 = hexInput(inputs, 'capdu1');
    const lc = capdu1[4] ?? 0;
    const data = capdu1.subarray(5, 5 + lc);
    const lenCap = data[1] ?? 0;
    return data.subarray(2, 2 + lenCap);
  }
  return hasInput(inputs, 'pcdcap2') ? hexInput(inputs, 'pcdcap2') : undefined;
}

function authTrace(inputs: Inputs, _fields: readonly string[], cardRandom: CardRandomReader): Record<string, VectorValue> {
  const nonFirst = hasInput(inputs, 'ti_kept_from_previous_session');
  const ti = nonFirst ? hexInput(inputs, 'ti_kept_from_previous_session') : randomHex(cardRandom, 'ti');
  if (ti === undefined) throw new Error('trace names no TI');
  const pdCap2 = randomHex(cardRandom, 'pdcap2');
  const trace = ev2AuthTrace({
    method: nonFirst ? 'ev2-non-first' : 'ev2-first',
    key: hexInput(inputs, 'key'),
    keyNo: intInput(inputs, 'key_no'),
    rndA: hexInput(inputs, 'rnd_a'),
    rndB: hexInput(inputs, 'rnd_b'),
    ti,
    ...(nonFirst ? {} : { pcdCap2: pcdCap2Sent(inputs) ?? new Uint8Array(0) }),
    ...(pdCap2 === undefined ? {} : { pdCap2 }),
  });
  trace.hostSession.end();
  trace.cardSession.end();
  // The host's own C-APDUs must equal the published ones when those are inputs.
  for (const [name, ours] of [['capdu1', trace.capdu1], ['capdu2', trace.capdu2]] as const) {
    if (hasInput(inputs, name) && toHex(hexInput(inputs, name)) !== toHex(ours)) throw new Error(`host computed a different ${name}`);
  }
  return {
    rapdu1: toHex(trace.rapdu1),
    enc_rnd_b: toHex(trace.encRndB),
    rnd_b_rotated: toHex(trace.rndBRotated),
    part2_cryptogram: toHex(trace.part2Cryptogram),
    rapdu2: toHex(trace.rapdu2),
    rapdu2_plain: toHex(trace.rapdu2Plain),
    rnd_a_rotated: toHex(trace.rndARotated),
    ti: toHex(trace.ti),
    ...(trace.pdCap2 === undefined ? {} : { pdcap2: toHex(trace.pdCap2) }),
    ses_auth_enc_key: toHex(trace.sesAuthEncKey),
    ses_auth_mac_key: toHex(trace.sesAuthMacKey),
  };
}

function cmdMac(inputs: Inputs): Record<string, VectorValue> {
  const macKey = hexInput(inputs, 'ses_auth_mac_key');
  if (hasInput(inputs, 'mac_input')) {
    const { cmacFull, macT } = ev2Mac({ sesAuthMacKey: macKey, macInput: hexInput(inputs, 'mac_input') });
    return { cmac_full: toHex(cmacFull), mac_t: toHex(macT) };
  }
  const { ti, cmdCtr } = ev2State(inputs);
  if (hasInput(inputs, 'return_code')) {
    const macInput = ev2ResponseMacInput({ status: intInput(inputs, 'return_code'), cmdCtr, ti, data: hexInput(inputs, 'data') });
    return { mac_input: toHex(macInput), mac_t: toHex(ev2Mac({ sesAuthMacKey: macKey, macInput }).macT) };
  }
  const ins = hexInput(inputs, 'cmd')[0] ?? 0;
  if (hasInput(inputs, 'response_data')) {
    // MAC-mode command and answer through real host and card sessions.
    const header = hexInput(inputs, 'cmd_header');
    const state = { ...ev2State(inputs), keyNo: 0 };
    const host = new Ev2Session({ ...state, role: 'host' });
    const card = new Ev2Session({ ...state, role: 'card' });
    const wrapped = host.wrapCommand({ ins, header, data: new Uint8Array(0), mode: 'mac' });
    if (!wrapped.ok) throw new Error(`host wrap failed: ${wrapped.reason}`);
    const unwrapped = card.unwrapCommand({ ins, header, body: wrapped.body.subarray(header.length), mode: 'mac' });
    if (!unwrapped.ok) throw new Error(`card refused the MAC: ${unwrapped.reason}`);
    const responseData = hexInput(inputs, 'response_data');
    const answer = card.wrapResponse({ status: OK_STATUS, data: responseData, mode: 'mac' });
    const checked = host.unwrapResponse({ status: OK_STATUS, body: answer, mode: 'mac' });
    host.end();
    card.end();
    if (!checked.ok) throw new Error(`host refused the answer MAC: ${checked.reason}`);
    const macInput = ev2CommandMacInput({ ins, cmdCtr: state.cmdCtr, ti: state.ti, header, data: new Uint8Array(0) });
    if (hasInput(inputs, 'plain_capdu') && toHex(splitPlainCapdu(hexInput(inputs, 'plain_capdu')).header) !== toHex(header)) {
      throw new Error('plain_capdu and cmd_header disagree');
    }
    return {
      mac_input: toHex(macInput),
      mac_t: toHex(wrapped.body.subarray(header.length)),
      capdu: toHex(wrapNative(ins, wrapped.body)),
      rapdu: toHex(nativeResponse(answer, OK_STATUS)),
      response_mac_t: toHex(answer.subarray(responseData.length)),
    };
  }
  const macInput = ev2CommandMacInput({ ins, cmdCtr, ti, header: new Uint8Array(0), data: hexInput(inputs, 'data') });
  return { mac_input: toHex(macInput), mac_t: toHex(ev2Mac({ sesAuthMacKey: macKey, macInput }).macT) };
}

function fullCommand(inputs: Inputs): Record<string, VectorValue> {
  const command = hasInput(inputs, 'plain_capdu')
    ? splitPlainCapdu(hexInput(inputs, 'plain_capdu'))
    : { ins: hexInput(inputs, 'cmd')[0] ?? 0, header: hexInput(inputs, 'cmd_header'), data: hexInput(inputs, 'cmd_data') };
  const r = ev2FullCommand({ ...ev2State(inputs), ...command });
  return {
    iv: toHex(r.iv),
    ciphertext: toHex(r.ciphertext),
    mac_input: toHex(r.macInput),
    mac_t: toHex(r.macT),
    capdu_data: toHex(r.capduData),
    capdu: toHex(r.capdu),
    response_mac_input: toHex(r.responseMacInput),
    response_mac_t: toHex(r.responseMacT),
    rapdu: toHex(r.rapdu),
  };
}

function fullResponse(inputs: Inputs): Record<string, VectorValue> {
  const r = ev2FullResponse({ ...ev2State(inputs), plainCapdu: hexInput(inputs, 'plain_capdu'), rapdu: hexInput(inputs, 'rapdu') });
  if (hasInput(inputs, 'cmd') && (hexInput(inputs, 'cmd')[0] ?? -1) !== splitPlainCapdu(hexInput(inputs, 'plain_capdu')).ins) {
    throw new Error('cmd and plain_capdu disagree');
  }
  return {
    capdu: toHex(r.capdu),
    response_iv: toHex(r.responseIv),
    response_mac_input: toHex(r.responseMacInput),
    response_cmac_full: toHex(r.responseCmacFull),
    response_plain_padded: toHex(r.responsePlainPadded),
    uid: toHex(r.data),
  };
}

export const CARD_OS_KINDS: ReadonlyMap<string, KindHandler> = new Map<string, KindHandler>([
  [
    'ev1-session-key',
    (inputs) => {
      const keyType = cipherFromLabel(field(inputs, 'key_type'));
      if (keyType === undefined) throw new Error('unknown key_type');
      return { session_key: toHex(ev1SessionKey({ keyType, rndA: hexInput(inputs, 'rnd_a'), rndB: hexInput(inputs, 'rnd_b') })) };
    },
  ],
  [
    'ev2-session-keys',
    (inputs) => {
      const k = ev2SessionKeys({ key: hexInput(inputs, 'key'), rndA: hexInput(inputs, 'rnd_a'), rndB: hexInput(inputs, 'rnd_b') });
      return { sv1: toHex(k.sv1), sv2: toHex(k.sv2), ses_auth_enc_key: toHex(k.sesAuthEncKey), ses_auth_mac_key: toHex(k.sesAuthMacKey) };
    },
  ],
  ['ev2-auth-trace', authTrace],
  [
    'ev2-iv',
    (inputs) => {
      const { ivInput, iv } = ev2Iv({
        sesAuthEncKey: hexInput(inputs, 'ses_auth_enc_key'),
        ti: hexInput(inputs, 'ti'),
        cmdCtr: intInput(inputs, 'cmd_ctr'),
        direction: directionFromLabel(field(inputs, 'label')),
      });
      return { iv_input: toHex(ivInput), iv: toHex(iv) };
    },
  ],
  ['ev2-cmd-mac', cmdMac],
  ['ev2-full-command', fullCommand],
  ['ev2-full-response', fullResponse],
  [
    'ev2-changekey',
    (inputs) => {
      const r = ev2ChangeKeyCryptogram({
        ...ev2State(inputs),
        authKeyNo: intInput(inputs, 'auth_key_no'),
        keyNo: intInput(inputs, 'key_no'),
        oldKey: hexInput(inputs, 'old_key'),
        newKey: hexInput(inputs, 'new_key'),
        newKeyVersion: intInput(inputs, 'new_key_version'),
      });
      return {
        key_xor: toHex(r.keyXor),
        crc32_new_key: toHex(r.crc32NewKey),
        plaintext: toHex(r.plaintext),
        plaintext_padded: toHex(r.plaintextPadded),
        iv: toHex(r.iv),
        ciphertext: toHex(r.ciphertext),
        mac_input: toHex(r.macInput),
        mac_t: toHex(r.macT),
        capdu_data: toHex(r.capduData),
        response_mac_t: toHex(r.responseMacT),
      };
    },
  ],
  [
    'tmac-session-keys',
    (inputs) => {
      const k = tmacSessionKeys({ appTransactionMacKey: hexInput(inputs, 'app_transaction_mac_key'), uid: hexInput(inputs, 'uid'), tmc: intInput(inputs, 'tmc') });
      return { ses_tm_mac_key: toHex(k.sesTmMacKey), ses_tm_enc_key: toHex(k.sesTmEncKey) };
    },
  ],
]);
