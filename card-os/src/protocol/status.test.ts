import { describe, expect, it } from 'vitest';
import { DesfireStatus, IsoStatusWord, isDesfireStatus, isSuccessStatus, isoStatusName, statusName } from './status.js';

describe('status codes', () => {
  it('are unique', () => {
    const codes = Object.values(DesfireStatus);
    expect(new Set(codes).size).toBe(codes.length);
    const words = Object.values(IsoStatusWord);
    expect(new Set(words).size).toBe(words.length);
  });
  it('have stable snake_case names', () => {
    expect(statusName(0x9d)).toBe('permission_denied');
    expect(statusName(0xaf)).toBe('additional_frame');
    expect(statusName(0xf1)).toBe('file_integrity_error');
    expect(statusName(0x42)).toBe('unknown_status');
    expect(isDesfireStatus(0x1e)).toBe(true);
    expect(isDesfireStatus(0x42)).toBe(false);
    expect(isoStatusName(0x6a82)).toBe('file_not_found');
  });
  it('treats only OK and NO_CHANGES as success', () => {
    expect(isSuccessStatus(DesfireStatus.OPERATION_OK)).toBe(true);
    expect(isSuccessStatus(DesfireStatus.NO_CHANGES)).toBe(true);
    expect(isSuccessStatus(DesfireStatus.ADDITIONAL_FRAME)).toBe(false);
    expect(isSuccessStatus(DesfireStatus.INTEGRITY_ERROR)).toBe(false);
  });
});
