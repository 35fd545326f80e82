import { describe, expect, it } from 'vitest';
import { CHECKOUT_LINE_ITEM_COUNT_MAX } from './fake-checkout.js';
import { IDEMPOTENCY_ENTRY_COUNT_MAX, IDEMPOTENCY_KEY_LENGTH_MAX as FAKE_IDEMPOTENCY_KEY_LENGTH_MAX } from './fake-idempotency.js';
import { METADATA_KEY_COUNT_MAX } from './fake-params.js';
import { FAKE_EVENT_COUNT_MAX } from './fake-state.js';
import { FORM_BODY_BYTES_MAX, FORM_KEY_DEPTH_MAX, FORM_PARAM_COUNT_MAX } from './form-body.js';
import { IDEMPOTENCY_KEY_LENGTH_MAX, STRIPE_NETWORK_RETRY_COUNT_MAX, WEBHOOK_BODY_BYTES_MAX } from './gateway.js';
import { WEBHOOK_DELIVERY_LOG_ENTRY_COUNT_MAX, WEBHOOK_RETRY_POLICY_DEFAULT, retryDelayMs } from './webhook-dispatcher.js';

describe('how the Stripe limits relate', () => {
  it('the gateway and the fake agree with Stripe on idempotency keys (at most 255 characters)', () => {
    expect(IDEMPOTENCY_KEY_LENGTH_MAX).toBe(255);
    expect(FAKE_IDEMPOTENCY_KEY_LENGTH_MAX).toBe(IDEMPOTENCY_KEY_LENGTH_MAX);
  });

  it('a form can carry every metadata key and every line item the fake accepts', () => {
    expect(METADATA_KEY_COUNT_MAX + CHECKOUT_LINE_ITEM_COUNT_MAX * 4 + 20).toBeLessThanOrEqual(FORM_PARAM_COUNT_MAX);
    // line_items[0][price_data][product_data][name] is the deepest key the fake reads.
    expect(FORM_KEY_DEPTH_MAX).toBeGreaterThanOrEqual(4);
  });

  it('a webhook body the gateway accepts holds any object the fake can send', () => {
    expect(WEBHOOK_BODY_BYTES_MAX).toBeGreaterThanOrEqual(2 * FORM_BODY_BYTES_MAX);
  });

  it('webhook retries back off up to the cap and give up within a minute by default', () => {
    const policy = WEBHOOK_RETRY_POLICY_DEFAULT;
    expect(policy.retryDelayMsInitial).toBeLessThanOrEqual(policy.retryDelayMsMax);
    const delays = Array.from({ length: policy.attemptCountMax - 1 }, (_, index) => retryDelayMs(policy, index + 1));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBeLessThanOrEqual(policy.retryDelayMsMax);
    expect(delays.reduce((a, b) => a + b, 0) + policy.attemptCountMax * policy.attemptTimeoutMs).toBeLessThan(60_000);
  });

  it('the fake keeps more idempotent replies and events than a test or demo day makes, and fewer log lines than events', () => {
    expect(IDEMPOTENCY_ENTRY_COUNT_MAX).toBeGreaterThanOrEqual(FAKE_EVENT_COUNT_MAX);
    expect(WEBHOOK_DELIVERY_LOG_ENTRY_COUNT_MAX).toBeLessThanOrEqual(FAKE_EVENT_COUNT_MAX);
    expect(STRIPE_NETWORK_RETRY_COUNT_MAX).toBeGreaterThan(0);
  });
});
