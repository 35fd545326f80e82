/**
 * Parameter checking for the fake's endpoints with zod, answering the way
 * Stripe does: `parameter_unknown` ("Received unknown parameter: x"),
 * `parameter_missing` ("Missing required param: x."), `parameter_invalid_integer`.
 */
import { z } from 'zod';
import { invalidRequest, type FakeReply } from './fake-errors.js';
import type { FormObject, FormValue } from './form-body.js';

export const METADATA_KEY_COUNT_MAX = 50;
export const METADATA_KEY_LENGTH_MAX = 40;
export const METADATA_VALUE_LENGTH_MAX = 500;
export const DESCRIPTION_LENGTH_MAX = 1000;

export const integerParam = z.string().regex(/^-?\d{1,15}$/u).transform(Number);
export const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');
export const metadataParam = z
  .record(z.string().min(1).max(METADATA_KEY_LENGTH_MAX), z.string().max(METADATA_VALUE_LENGTH_MAX))
  .refine((value) => Object.keys(value).length <= METADATA_KEY_COUNT_MAX, { message: 'too many metadata keys' });
export const expandParam = z.array(z.string()).optional();

export function bracketName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((segment) => `[${segment}]`).join('')}`;
}

function valueAt(params: FormObject, path: readonly PropertyKey[]): FormValue | undefined {
  let current: FormValue | undefined = params;
  for (const segment of path) {
    if (current === undefined || typeof current === 'string') return undefined;
    current = Array.isArray(current) ? (current as readonly FormValue[])[Number(segment)] : (current as FormObject)[String(segment)];
  }
  return current;
}

function replyForIssue(params: FormObject, issue: z.core.$ZodIssue): FakeReply {
  if (issue.code === 'unrecognized_keys') {
    const name = bracketName([...issue.path, issue.keys[0] ?? '']);
    return invalidRequest(`Received unknown parameter: ${name}`, { code: 'parameter_unknown', param: name });
  }
  const name = bracketName(issue.path);
  if (valueAt(params, issue.path) === undefined) {
    return invalidRequest(`Missing required param: ${name}.`, { code: 'parameter_missing', param: name });
  }
  if (issue.code === 'invalid_format') {
    const raw = valueAt(params, issue.path);
    const shown = typeof raw === 'string' ? raw : '';
    return invalidRequest(`Invalid integer: ${shown}`, { code: 'parameter_invalid_integer', param: name });
  }
  return invalidRequest(`Invalid ${name}: ${issue.message}`, { code: 'parameter_invalid_empty', param: name });
}

export type ParamsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reply: FakeReply };

export function parseParams<T>(schema: z.ZodType<T>, params: FormObject): ParamsResult<T> {
  const result = schema.safeParse(params);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  if (issue === undefined) return { ok: false, reply: invalidRequest('Invalid request.') };
  return { ok: false, reply: replyForIssue(params, issue) };
}
