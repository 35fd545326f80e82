/**
 * Every limit of the emulated card, named with its unit last.
 *
 * Sources: MF3D(H)x2 (DESFire EV2) short data sheet §8.5–8.6 (28 applications
 * on EV1-compatible cards, 32 files per application, 14 keys per application),
 * libfreefare (MAX_APPLICATION_COUNT 28, MAX_FILE_COUNT 32), the EV1/EV2
 * command set (3-byte little-endian sizes, 4-byte signed values).
 * Relations between limits are asserted once in limits.test.ts.
 */

/** Applications besides the PICC level (AID 000000). */
export const APPLICATION_COUNT_MAX = 28;
/** File numbers 0x00..0x1F. */
export const FILE_COUNT_PER_APPLICATION_MAX = 32;
export const FILE_NO_MAX = FILE_COUNT_PER_APPLICATION_MAX - 1;
/** Keys in one application (KeySett2 bits 3..0, 0x01..0x0E). */
export const KEY_COUNT_PER_APPLICATION_MAX = 14;
/** The PICC level holds exactly one key, the PICC master key. */
export const PICC_KEY_COUNT = 1;

export const AID_LENGTH_BYTES = 3;
export const ISO_FILE_ID_LENGTH_BYTES = 2;
export const DF_NAME_LENGTH_BYTES_MAX = 16;
export const UID_LENGTH_BYTES = 7;
/** NXP's manufacturer code, first byte of every 7-byte NXP UID (ISO/IEC 7816-6). */
export const UID_MANUFACTURER_BYTE_NXP = 0x04;
/** Random ID: 4 bytes, first byte 0x08 (ISO/IEC 14443-3 §6.5.4). Reported as RID by the RF layer only. */
export const RANDOM_UID_LENGTH_BYTES = 4;

/**
 * Non-volatile memory is allocated in blocks of 32 bytes: a file of 1 byte
 * costs 32 bytes (MF3DHx2 §8.5; gorferay.com "32 bytes of NV is always
 * allocated at file creation").
 */
export const EEPROM_BLOCK_SIZE_BYTES = 32;
/**
 * Bytes GetFreeMemory reports on an empty (formatted) 8 KB card. Public
 * observations: an empty EV1 2K reports 2304 bytes (proxmark3
 * doc/desfire.md, `hf mfdes info`); 7936 bytes for an 8K is the figure
 * given in the brief and is consistent with that card family but was not
 * found verbatim in public material: treat it as configurable.
 */
export const EEPROM_FREE_BYTES_EMPTY_8K = 7936;
/** Storage-size byte of GetVersion: 2^(n>>1) bytes, bit 0 = "between 2^n and 2^(n+1)". 0x1A = 8192 bytes. */
export const STORAGE_SIZE_BYTE_8K = 0x1a;

/** Sizes and offsets travel as 3-byte little-endian integers. */
export const UINT24_MAX = 0xff_ff_ff;
export const FILE_SIZE_BYTES_MAX = UINT24_MAX;
export const RECORD_SIZE_BYTES_MAX = UINT24_MAX;
export const RECORD_COUNT_MAX = UINT24_MAX;
/** A cyclic record file keeps one record slot spare for the pending write. */
export const CYCLIC_RECORD_SPARE_COUNT = 1;
/** A cyclic record file needs at least one usable record, so at least 2 slots. */
export const CYCLIC_RECORD_COUNT_MIN = CYCLIC_RECORD_SPARE_COUNT + 1;

/** Value files hold a signed 32-bit integer (two's complement, little-endian on the wire). */
export const VALUE_MIN = -0x8000_0000;
export const VALUE_MAX = 0x7fff_ffff;
export const VALUE_LENGTH_BYTES = 4;
/** Credit, Debit and LimitedCredit take a non-negative amount. */
export const VALUE_AMOUNT_MAX = VALUE_MAX;

/**
 * Data bytes per response frame before the card answers 91 AF and waits for
 * an AdditionalFrame: FSC 64 (FSCI 5 in the EV2 ATS) less PCB, CID, status
 * byte and CRC leaves 59 (libfreefare and proxmark3 both read in 59-byte frames).
 */
export const RESPONSE_FRAME_DATA_BYTES_MAX = 59;
/** Short ISO 7816-4 APDU: Lc is one byte. */
export const COMMAND_FRAME_DATA_BYTES_MAX = 255;
/**
 * Largest command the card assembles from AF frames (an 8 KB WriteData plus
 * header, padding and MAC). Longer chains are refused with LENGTH_ERROR.
 */
export const COMMAND_ASSEMBLED_BYTES_MAX = 8192 + 64;
/** Largest response the card prepares (ReadData of a whole 8 KB file plus padding and MAC). */
export const RESPONSE_ASSEMBLED_BYTES_MAX = 8192 + 64;

/** The Transaction MAC file's data: TMC (4) ‖ TMV (8). */
export const TMAC_COUNTER_LENGTH_BYTES = 4;
export const TMAC_VALUE_LENGTH_BYTES = 8;
export const TMAC_READER_ID_LENGTH_BYTES = 16;
export const TMAC_COUNTER_MAX = 0xffff_ffff;
/**
 * Bytes of Transaction MAC Input one transaction may collect. A real card
 * MACs the TMI on the fly and has no such limit; the emulator keeps the TMI
 * and stops at this bound (64 whole-file reads of an 8 KB card) with
 * COMMAND_ABORTED, which drops the transaction.
 */
export const TRANSACTION_MAC_INPUT_BYTES_MAX = 64 * (RESPONSE_ASSEMBLED_BYTES_MAX + 2 * 16);
