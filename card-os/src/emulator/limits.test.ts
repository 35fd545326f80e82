import { describe, expect, it } from 'vitest';
import { NATIVE_COMMAND_FRAME_DATA_BYTES_MAX, NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX } from '../protocol/apdu.js';
import { APP_KEY_COUNT_MAX } from '../protocol/key-settings.js';
import { TMI_BLOCK_BYTES } from '../sm/transaction-mac-input.js';
import { TMC_BYTES, TMRI_BYTES, TMV_BYTES, TRANSACTION_TMC_MAX } from '../sm/transaction-mac.js';
import { applicationCostBytes, fileCostBytes } from './image/memory.js';
import * as L from './limits.js';

describe('limits relate as the data sheet says', () => {
  it('file numbers, keys and frame sizes agree with the protocol tables', () => {
    expect(L.FILE_NO_MAX + 1).toBe(L.FILE_COUNT_PER_APPLICATION_MAX);
    expect(L.KEY_COUNT_PER_APPLICATION_MAX).toBe(APP_KEY_COUNT_MAX);
    expect(L.RESPONSE_FRAME_DATA_BYTES_MAX).toBe(NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX);
    expect(L.COMMAND_FRAME_DATA_BYTES_MAX).toBeGreaterThanOrEqual(NATIVE_COMMAND_FRAME_DATA_BYTES_MAX);
    expect(L.CYCLIC_RECORD_COUNT_MIN).toBe(L.CYCLIC_RECORD_SPARE_COUNT + 1);
    expect(L.VALUE_MAX).toBe(-(L.VALUE_MIN + 1));
  });

  it('an 8 KB card holds its empty-card free memory in whole blocks, and the largest command fits the buffer', () => {
    expect(L.EEPROM_FREE_BYTES_EMPTY_8K % L.EEPROM_BLOCK_SIZE_BYTES).toBe(0);
    expect(L.EEPROM_FREE_BYTES_EMPTY_8K).toBeLessThan(2 ** (L.STORAGE_SIZE_BYTE_8K >> 1));
    expect(L.COMMAND_ASSEMBLED_BYTES_MAX).toBeGreaterThan(L.EEPROM_FREE_BYTES_EMPTY_8K);
    expect(L.RESPONSE_ASSEMBLED_BYTES_MAX).toBeGreaterThan(L.EEPROM_FREE_BYTES_EMPTY_8K);
  });

  it('a transaction can MAC many whole-file reads; TMAC fields match sm/', () => {
    const largestEntryBytes = L.RESPONSE_ASSEMBLED_BYTES_MAX + 2 * TMI_BLOCK_BYTES;
    expect(L.TRANSACTION_MAC_INPUT_BYTES_MAX).toBeGreaterThanOrEqual(32 * largestEntryBytes);
    expect(L.TRANSACTION_MAC_INPUT_BYTES_MAX % TMI_BLOCK_BYTES).toBe(0);
    expect(L.TMAC_COUNTER_LENGTH_BYTES).toBe(TMC_BYTES);
    expect(L.TMAC_VALUE_LENGTH_BYTES).toBe(TMV_BYTES);
    expect(L.TMAC_READER_ID_LENGTH_BYTES).toBe(TMRI_BYTES);
    expect(L.TMAC_COUNTER_MAX).toBe(TRANSACTION_TMC_MAX);
  });

  it('memory costs are whole blocks; a Backup file costs twice a Standard file', () => {
    for (const keyCount of [0, 1, 2, L.KEY_COUNT_PER_APPLICATION_MAX]) expect(applicationCostBytes(keyCount) % L.EEPROM_BLOCK_SIZE_BYTES).toBe(0);
    expect(applicationCostBytes(2)).toBe(160);
    expect(fileCostBytes({ kind: 'std', fileSizeBytes: 1 })).toBe(L.EEPROM_BLOCK_SIZE_BYTES);
    expect(fileCostBytes({ kind: 'backup', fileSizeBytes: 33 })).toBe(2 * fileCostBytes({ kind: 'std', fileSizeBytes: 33 }));
  });
});
