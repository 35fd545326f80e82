/**
 * commandWireLengthBytes is the one place that knows how long a wrapped
 * command is (the card uses it to know when a chained command is complete):
 * it must equal what wrapCommand really produces, for every scheme, mode,
 * header length and data length around the block boundaries.
 */
import type { CipherName } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import type { CommunicationMode } from '../protocol/commands.js';
import type { Ev1AuthMethod } from './auth-ev1.js';
import type { SecureSession } from './session.js';
import { ev1Pair, ev2Pair, rnd } from './test-helpers.js';

const MODES: readonly CommunicationMode[] = ['plain', 'mac', 'full'];
const HEADER_LENGTHS_BYTES = [0, 1, 7, 10];
const DATA_LENGTH_BYTES_MAX = 70;
const WRITE_DATA_INS = 0x3d;

const CASES: readonly { method: Ev1AuthMethod | 'ev2'; keyType: CipherName }[] = [
  { method: 'legacy', keyType: 'des' },
  { method: 'legacy', keyType: '2tdea' },
  { method: 'iso', keyType: '2tdea' },
  { method: 'iso', keyType: '3tdea' },
  { method: 'aes', keyType: 'aes128' },
  { method: 'ev2', keyType: 'aes128' },
];

function hostSession(method: Ev1AuthMethod | 'ev2', keyType: CipherName): SecureSession {
  if (method === 'ev2') return ev2Pair().host;
  const pair = ev1Pair({ method, keyType });
  if (!pair.ok) throw new Error(pair.reason);
  return pair.host;
}

describe.each(CASES)('commandWireLengthBytes after $method / $keyType', ({ method, keyType }) => {
  it('equals the length wrapCommand produces', () => {
    const host = hostSession(method, keyType);
    let checked = 0;
    for (const mode of MODES) {
      for (const headerLengthBytes of HEADER_LENGTHS_BYTES) {
        for (let dataLengthBytes = 0; dataLengthBytes <= DATA_LENGTH_BYTES_MAX; dataLengthBytes++) {
          const wrapped = host.wrapCommand({ ins: WRITE_DATA_INS, header: rnd(headerLengthBytes), data: rnd(dataLengthBytes), mode });
          if (!wrapped.ok) throw new Error(wrapped.reason);
          expect(host.commandWireLengthBytes({ mode, headerLengthBytes, dataLengthBytes }), `${mode} h${headerLengthBytes} d${dataLengthBytes}`).toBe(wrapped.body.length);
          checked++;
        }
      }
    }
    expect(checked).toBe(MODES.length * HEADER_LENGTHS_BYTES.length * (DATA_LENGTH_BYTES_MAX + 1));
  });
});
