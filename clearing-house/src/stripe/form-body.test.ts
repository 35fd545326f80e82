import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { FORM_BODY_BYTES_MAX, FORM_KEY_DEPTH_MAX, FORM_PARAM_COUNT_MAX, decodeFormBody } from './form-body.js';
import { requestFingerprint } from './fake-idempotency.js';
import { stripeSignatureHeader } from './webhook-signature.js';

describe('decodeFormBody', () => {
  it('decodes the bracket notation the stripe SDK writes', () => {
    const body = 'amount=50000&currency=vnd&metadata[order_id]=ord%201&payment_method_types[0]=card&payment_method_types[1]=link&expand[]=latest_charge&automatic_payment_methods[enabled]=true';
    expect(decodeFormBody(body)).toEqual({
      ok: true,
      value: {
        amount: '50000',
        currency: 'vnd',
        metadata: { order_id: 'ord 1' },
        payment_method_types: ['card', 'link'],
        expand: ['latest_charge'],
        automatic_payment_methods: { enabled: 'true' },
      },
    });
  });

  it('decodes Vietnamese text and an empty body', () => {
    expect(decodeFormBody('description=N%E1%BA%A1p%20th%E1%BA%BB')).toEqual({ ok: true, value: { description: 'Nạp thẻ' } });
    expect(decodeFormBody('')).toEqual({ ok: true, value: {} });
  });

  it('refuses hostile and malformed bodies with a typed failure', () => {
    expect(decodeFormBody('a=1&a=2')).toMatchObject({ ok: false, failure: 'conflicting_keys' });
    expect(decodeFormBody('a=1&a[b]=2')).toMatchObject({ ok: false, failure: 'conflicting_keys' });
    expect(decodeFormBody('a[b]=1&a=2')).toMatchObject({ ok: false, failure: 'conflicting_keys' });
    expect(decodeFormBody('a[b=1')).toMatchObject({ ok: false, failure: 'malformed_key' });
    expect(decodeFormBody('[x]=1')).toMatchObject({ ok: false, failure: 'malformed_key' });
    expect(decodeFormBody(`a${'[b]'.repeat(FORM_KEY_DEPTH_MAX)}=1`)).toMatchObject({ ok: false, failure: 'key_too_deep' });
    const many = Array.from({ length: FORM_PARAM_COUNT_MAX + 1 }, (_, index) => `k${index}=v`).join('&');
    expect(decodeFormBody(many)).toMatchObject({ ok: false, failure: 'too_many_params' });
    expect(decodeFormBody(`a=${'x'.repeat(FORM_BODY_BYTES_MAX)}`)).toMatchObject({ ok: false, failure: 'body_too_large' });
  });

  it('does not let __proto__ keys reach the prototype', () => {
    const result = decodeFormBody('__proto__[polluted]=yes&constructor[prototype][x]=1');
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('requestFingerprint', () => {
  it('ignores parameter order and sees every value', () => {
    const a = decodeFormBody('amount=1&currency=vnd');
    const b = decodeFormBody('currency=vnd&amount=1');
    const c = decodeFormBody('currency=vnd&amount=2');
    if (!a.ok || !b.ok || !c.ok) throw new Error('decode failed');
    expect(requestFingerprint('POST', '/v1/x', a.value)).toBe(requestFingerprint('POST', '/v1/x', b.value));
    expect(requestFingerprint('POST', '/v1/x', a.value)).not.toBe(requestFingerprint('POST', '/v1/x', c.value));
    expect(requestFingerprint('POST', '/v1/x', a.value)).not.toBe(requestFingerprint('POST', '/v1/y', a.value));
  });
});

describe('stripeSignatureHeader', () => {
  it('matches the SDK own test header generator', () => {
    const stripe = new Stripe('sk_test_unused');
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const secret = 'whsec_test_secret';
    const timestamp = 1_780_000_000;
    expect(stripeSignatureHeader({ payload, secret, timestampSeconds: timestamp })).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
    );
  });
});
