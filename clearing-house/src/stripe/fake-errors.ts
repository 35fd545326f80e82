/**
 * Stripe's error wire format: `{ error: { type, code?, message, param?, ... } }`
 * with the HTTP status Stripe uses for each type (docs.stripe.com/api/errors).
 * The `stripe` SDK turns `type` into its error classes (StripeCardError,
 * StripeInvalidRequestError, StripeIdempotencyError, StripeAuthenticationError).
 */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  readonly type: StripeErrorType;
  readonly message: string;
  readonly code?: string;
  readonly param?: string;
  readonly decline_code?: string;
  readonly doc_url?: string;
  readonly payment_intent?: unknown;
  readonly charge?: string;
}

export interface FakeReply {
  readonly status: number;
  readonly body: unknown;
}

const DOC_URL_BASE = 'https://stripe.com/docs/error-codes/';

export function stripeError(status: number, error: StripeErrorBody): FakeReply {
  const withDoc = error.code === undefined ? error : { doc_url: `${DOC_URL_BASE}${error.code.replaceAll('_', '-')}`, ...error };
  return { status, body: { error: withDoc } };
}

export function invalidRequest(message: string, extra: { readonly code?: string; readonly param?: string } = {}): FakeReply {
  return stripeError(400, { type: 'invalid_request_error', message, ...extra });
}

export function resourceMissing(resource: string, id: string, param: string): FakeReply {
  return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${resource}: '${id}'` });
}

export function unexpectedState(message: string): FakeReply {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state' });
}

export function authenticationRequired(message: string): FakeReply {
  return stripeError(401, { type: 'invalid_request_error', message });
}

export function idempotencyMismatch(key: string): FakeReply {
  return stripeError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function injectedServerError(): FakeReply {
  return stripeError(500, { type: 'api_error', message: 'An unknown error occurred (injected by the fake for a test).' });
}
