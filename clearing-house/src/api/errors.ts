/** API errors: `{ "error": { "code", "message" } }` with stable codes; messages never carry card numbers, tokens or keys. */
import { z } from '@hono/zod-openapi';

export const API_ERROR_CODES = [
  'request_invalid',
  'envelope_malformed',
  'batch_too_large',
  'batch_conflict',
  'device_unknown',
  'device_revoked',
  'certificate_expired',
  'token_missing',
  'token_invalid',
  'token_expired',
  'forbidden',
  'not_found',
  'registration_refused',
  'order_refused',
  'webhook_refused',
  'payment_gateway_unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const errorSchema = z
  .object({ error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string(), detail: z.string().optional() }) })
  .openapi('Error');

export type ApiError = z.infer<typeof errorSchema>;

export function apiError(code: ApiErrorCode, message: string, detail?: string): ApiError {
  return { error: { code, message, ...(detail === undefined ? {} : { detail }) } };
}

export const errorResponse = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });
