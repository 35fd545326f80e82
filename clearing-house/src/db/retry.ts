/** Re-runs a transaction that PostgreSQL aborted for a deadlock or a serialization failure, or that lost a race it detected itself. */
export const TRANSACTION_ATTEMPT_COUNT_MAX = 8;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Thrown inside a transaction that found a concurrent writer got there first (for example the same event under another batchSeq). */
export class ConcurrentWriteError extends Error {
  override readonly name = 'ConcurrentWriteError';
  readonly code = '40001';
}

function sqlState(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string' && RETRYABLE_SQLSTATES.has(current.code)) return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

export async function withTransactionRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= TRANSACTION_ATTEMPT_COUNT_MAX || sqlState(error) === undefined) throw error;
    }
  }
}
