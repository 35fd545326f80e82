/**
 * Decodes a Stripe v1 request body: `application/x-www-form-urlencoded` with
 * bracket notation (`metadata[order_id]=o1`, `payment_method_types[0]=card`,
 * `expand[]=latest_charge`), as the `stripe` SDK writes it (qs, indices).
 * Objects whose keys are exactly 0..n-1 become arrays.
 */

export const FORM_PARAM_COUNT_MAX = 256;
export const FORM_KEY_DEPTH_MAX = 5;
export const FORM_BODY_BYTES_MAX = 64 * 1024;

export type FormValue = string | FormObject | readonly FormValue[];
export interface FormObject {
  readonly [key: string]: FormValue;
}

export type FormDecodeFailure = 'body_too_large' | 'too_many_params' | 'key_too_deep' | 'malformed_key' | 'conflicting_keys';

export type FormDecodeResult =
  | { readonly ok: true; readonly value: FormObject }
  | { readonly ok: false; readonly failure: FormDecodeFailure; readonly key?: string };

interface MutableObject {
  [key: string]: MutableValue;
}
type MutableValue = string | MutableObject;

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/u;
const SEGMENT_PATTERN = /\[([^[\]]*)\]/gu;

function splitKey(key: string): readonly string[] | undefined {
  const match = KEY_PATTERN.exec(key);
  if (match === null) return undefined;
  const head = match[1];
  if (head === undefined) return undefined;
  const segments = [head];
  for (const segment of (match[2] ?? '').matchAll(SEGMENT_PATTERN)) segments.push(segment[1] ?? '');
  return segments;
}

function nextIndex(container: MutableObject): string {
  return String(Object.keys(container).length);
}

function toFormValue(value: MutableValue): FormValue {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value);
  const isArray = keys.length > 0 && keys.every((key, index) => key === String(index));
  if (isArray) return keys.map((key) => toFormValue(value[key] ?? ''));
  const out: Record<string, FormValue> = {};
  for (const key of keys) out[key] = toFormValue(value[key] ?? '');
  return out;
}

/** Decodes a form body; never throws on hostile input. */
export function decodeFormBody(body: string): FormDecodeResult {
  if (Buffer.byteLength(body, 'utf8') > FORM_BODY_BYTES_MAX) return { ok: false, failure: 'body_too_large' };
  const params = new URLSearchParams(body);
  const root: MutableObject = Object.create(null) as MutableObject;
  let count = 0;
  for (const [key, value] of params) {
    count += 1;
    if (count > FORM_PARAM_COUNT_MAX) return { ok: false, failure: 'too_many_params' };
    const segments = splitKey(key);
    if (segments === undefined) return { ok: false, failure: 'malformed_key', key };
    if (segments.length > FORM_KEY_DEPTH_MAX) return { ok: false, failure: 'key_too_deep', key };
    let container = root;
    for (let index = 0; index < segments.length; index += 1) {
      const rawSegment = segments[index] ?? '';
      const segment = rawSegment === '' ? nextIndex(container) : rawSegment;
      const isLast = index === segments.length - 1;
      const existing = container[segment];
      if (isLast) {
        if (existing !== undefined) return { ok: false, failure: 'conflicting_keys', key };
        container[segment] = value;
      } else if (existing === undefined) {
        const child: MutableObject = Object.create(null) as MutableObject;
        container[segment] = child;
        container = child;
      } else if (typeof existing === 'string') {
        return { ok: false, failure: 'conflicting_keys', key };
      } else {
        container = existing;
      }
    }
  }
  const value = toFormValue(root);
  if (typeof value === 'string' || Array.isArray(value)) return { ok: false, failure: 'malformed_key' };
  return { ok: true, value: value as FormObject };
}
