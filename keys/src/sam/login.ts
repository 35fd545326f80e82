/**
 * Workstation login with the civil-servant card: the login server sends a
 * random challenge, the card answers AES-CMAC(K_login, challenge) where
 * K_login is the card's diversified login key (AN10922 from the login
 * master). The server recomputes it through its SAM and compares in constant
 * time, so it never sees the master. Challenge freshness (single use, short
 * expiry) is the login server's job; this module only does the arithmetic.
 */
import { abytes, equalBytes } from '../bytes.js';
import { aesCmac } from '../cmac.js';
import { SamError } from './sam-error.js';

export const LOGIN_CHALLENGE_LENGTH_BYTES_MIN = 16;
export const LOGIN_CHALLENGE_LENGTH_BYTES_MAX = 64;
export const LOGIN_RESPONSE_LENGTH_BYTES = 16;

export function checkLoginChallenge(challenge: unknown): Uint8Array {
  if (!(challenge instanceof Uint8Array) || challenge.length < LOGIN_CHALLENGE_LENGTH_BYTES_MIN || challenge.length > LOGIN_CHALLENGE_LENGTH_BYTES_MAX) {
    throw new SamError('invalid_argument', `login challenge must be ${LOGIN_CHALLENGE_LENGTH_BYTES_MIN}..${LOGIN_CHALLENGE_LENGTH_BYTES_MAX} bytes`);
  }
  return challenge;
}

/** What the card computes: AES-CMAC (RFC 4493) of the challenge under its login key. */
export function computeLoginResponse(options: { cardKey: Uint8Array; challenge: Uint8Array }): Uint8Array {
  abytes(options.cardKey, 16, 'cardKey');
  return aesCmac(options.cardKey, checkLoginChallenge(options.challenge));
}

/** Constant-time check of a card's answer. A response of the wrong length simply does not match. */
export function loginResponseMatches(options: { cardKey: Uint8Array; challenge: Uint8Array; response: Uint8Array }): boolean {
  const expected = computeLoginResponse(options);
  try {
    return options.response instanceof Uint8Array && options.response.length === LOGIN_RESPONSE_LENGTH_BYTES && equalBytes(expected, options.response);
  } finally {
    expected.fill(0);
  }
}
