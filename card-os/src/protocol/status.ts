/**
 * DESFire native status bytes (SW2 after SW1 = 0x91) and the ISO/IEC 7816-4
 * status words the card answers to ISO-class commands (ISO SELECT …).
 *
 * Native codes: MF2DLHX0 (DESFire EV2) data sheet §9 "Status and error codes";
 * libfreefare freefare.h (same names, EV1). AUTHENTICATION_DELAY (0xAD) is
 * EV2-only; EV2 renamed EEPROM_ERROR to MEMORY_ERROR (same byte 0xEE, we keep
 * the EV1 name so logs from older readers still match).
 */

export const DesfireStatus = {
  OPERATION_OK: 0x00,
  NO_CHANGES: 0x0c,
  OUT_OF_EEPROM_ERROR: 0x0e,
  ILLEGAL_COMMAND_CODE: 0x1c,
  INTEGRITY_ERROR: 0x1e,
  NO_SUCH_KEY: 0x40,
  LENGTH_ERROR: 0x7e,
  PERMISSION_DENIED: 0x9d,
  PARAMETER_ERROR: 0x9e,
  APPLICATION_NOT_FOUND: 0xa0,
  APPL_INTEGRITY_ERROR: 0xa1,
  AUTHENTICATION_DELAY: 0xad,
  AUTHENTICATION_ERROR: 0xae,
  ADDITIONAL_FRAME: 0xaf,
  BOUNDARY_ERROR: 0xbe,
  PICC_INTEGRITY_ERROR: 0xc1,
  COMMAND_ABORTED: 0xca,
  PICC_DISABLED_ERROR: 0xcd,
  COUNT_ERROR: 0xce,
  DUPLICATE_ERROR: 0xde,
  EEPROM_ERROR: 0xee,
  FILE_NOT_FOUND: 0xf0,
  FILE_INTEGRITY_ERROR: 0xf1,
} as const;

export type DesfireStatusKey = keyof typeof DesfireStatus;
export type DesfireStatusCode = (typeof DesfireStatus)[DesfireStatusKey];
/** Stable snake_case name, e.g. 'permission_denied'. Used as the `status` of failure values. */
export type DesfireStatusName = Lowercase<DesfireStatusKey>;

/** SW1 of every native DESFire response wrapped in ISO 7816-4 (MF2DLHX0 §9.1 "ISO/IEC 7816-4 wrapping"). */
export const NATIVE_SW1 = 0x91;

const NAME_BY_CODE: ReadonlyMap<number, DesfireStatusName> = new Map(
  (Object.entries(DesfireStatus) as [DesfireStatusKey, DesfireStatusCode][]).map(([key, code]) => [
    code,
    key.toLowerCase() as DesfireStatusName,
  ]),
);

export function isDesfireStatus(code: number): code is DesfireStatusCode {
  return NAME_BY_CODE.has(code);
}

/** Stable name of a status byte; 'unknown_status' for a byte the data sheet does not define. */
export function statusName(code: number): DesfireStatusName | 'unknown_status' {
  return NAME_BY_CODE.get(code) ?? 'unknown_status';
}

/**
 * Statuses after which a secure-messaging session stays alive and the
 * response carries a MAC (MF2DLHX0 §9.1; AN12343 §3: any other status ends
 * the authentication and is sent without MAC). NO_CHANGES is the success
 * answer of CommitTransaction/AbortTransaction when nothing was pending.
 */
export function isSuccessStatus(code: number): boolean {
  return code === DesfireStatus.OPERATION_OK || code === DesfireStatus.NO_CHANGES;
}

/** ISO/IEC 7816-4 §5.6 status words used by ISO-class commands (ISOSelectFile, ISOReadBinary …; MF2DLHX0 §11). */
export const IsoStatusWord = {
  OK: 0x9000,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  FILE_TYPE_INCOMPATIBLE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTHENTICATION_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1_P2: 0x6a86,
  WRONG_P1_P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

export type IsoStatusWordKey = keyof typeof IsoStatusWord;
export type IsoStatusWordCode = (typeof IsoStatusWord)[IsoStatusWordKey];
export type IsoStatusWordName = Lowercase<IsoStatusWordKey>;

const ISO_NAME_BY_CODE: ReadonlyMap<number, IsoStatusWordName> = new Map(
  (Object.entries(IsoStatusWord) as [IsoStatusWordKey, IsoStatusWordCode][]).map(([key, code]) => [
    code,
    key.toLowerCase() as IsoStatusWordName,
  ]),
);

export function isoStatusName(statusWord: number): IsoStatusWordName | 'unknown_status_word' {
  return ISO_NAME_BY_CODE.get(statusWord) ?? 'unknown_status_word';
}
