/**
 * Expected failures of secure messaging and authentication, as values.
 * `status` is the DESFire status byte a card answers (or the one it
 * answered, on the host side); `reason` is the stable code for logs/tests.
 * Neither ever carries key, cryptogram or UID bytes.
 */
import { DesfireStatus, statusName, type DesfireStatusName } from '../protocol/status.js';

export type SmFailureReason =
  /** MAC / CRC / padding check failed (card: INTEGRITY_ERROR; host: the answer is not trusted). */
  | 'integrity_error'
  /** Message too short / not a block multiple (card: LENGTH_ERROR). */
  | 'length_error'
  /** Mutual authentication failed (AUTHENTICATION_ERROR). */
  | 'authentication_error'
  /** The session was ended (error, zeroized); re-authenticate. */
  | 'session_ended'
  /** EV2 CmdCtr reached 0xFFFF: no command can be protected any more (AN12343 §4.1). */
  | 'command_counter_exhausted'
  /** Host side: the card answered this error status (session ended). */
  | DesfireStatusName
  | 'unknown_status';

export interface SmFailure {
  readonly ok: false;
  readonly status: number;
  readonly reason: SmFailureReason;
}

const STATUS_BY_REASON = {
  integrity_error: DesfireStatus.INTEGRITY_ERROR,
  length_error: DesfireStatus.LENGTH_ERROR,
  authentication_error: DesfireStatus.AUTHENTICATION_ERROR,
  session_ended: DesfireStatus.AUTHENTICATION_ERROR,
  command_counter_exhausted: DesfireStatus.AUTHENTICATION_ERROR,
} as const;

export function smFailure(reason: keyof typeof STATUS_BY_REASON): SmFailure {
  return { ok: false, status: STATUS_BY_REASON[reason], reason };
}

/** Host side: the card's own error status, passed through as a value. */
export function cardStatusFailure(status: number): SmFailure {
  return { ok: false, status, reason: statusName(status) };
}
