/** Expected failures of the audit log, with stable codes. Messages never carry UIDs, keys or entry contents. */
export type AuditLogErrorCode = 'audit_log_exists' | 'audit_log_missing' | 'audit_log_locked' | 'audit_log_corrupt' | 'audit_log_io';

export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
  readonly code: AuditLogErrorCode;

  constructor(code: AuditLogErrorCode, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.code = code;
  }
}
