import type { CardResult } from './client.js';

/** Maps the value of a successful result; failures pass through unchanged. */
export function mapValue<A, B>(result: CardResult<A>, map: (value: A) => B): CardResult<B> {
  return result.ok ? { ok: true, value: map(result.value) } : result;
}
