/**
 * Delivers the fake's events to one webhook endpoint the way Stripe does:
 * POST of the event JSON, signed afresh on every attempt, retried with
 * exponential backoff until a 2xx answer or the attempt limit. Deliveries of
 * different events run independently, so they can arrive out of order.
 */
import { stripeSignatureHeader } from './webhook-signature.js';

export const WEBHOOK_ATTEMPT_COUNT_MAX_DEFAULT = 5;
export const WEBHOOK_RETRY_DELAY_MS_INITIAL_DEFAULT = 200;
export const WEBHOOK_RETRY_DELAY_MS_MAX_DEFAULT = 5_000;
export const WEBHOOK_ATTEMPT_TIMEOUT_MS_DEFAULT = 5_000;
export const WEBHOOK_DELIVERY_LOG_ENTRY_COUNT_MAX = 1_000;
export const WEBHOOK_USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

export interface WebhookRetryPolicy {
  readonly attemptCountMax: number;
  readonly retryDelayMsInitial: number;
  readonly retryDelayMsMax: number;
  readonly attemptTimeoutMs: number;
}

export const WEBHOOK_RETRY_POLICY_DEFAULT: WebhookRetryPolicy = {
  attemptCountMax: WEBHOOK_ATTEMPT_COUNT_MAX_DEFAULT,
  retryDelayMsInitial: WEBHOOK_RETRY_DELAY_MS_INITIAL_DEFAULT,
  retryDelayMsMax: WEBHOOK_RETRY_DELAY_MS_MAX_DEFAULT,
  attemptTimeoutMs: WEBHOOK_ATTEMPT_TIMEOUT_MS_DEFAULT,
};

export interface WebhookDeliveryAttempt {
  readonly eventId: string;
  readonly eventType: string;
  readonly attemptNumber: number;
  /** HTTP status of the answer, or `network_error`. */
  readonly outcome: number | 'network_error';
  readonly delivered: boolean;
}

export interface WebhookDispatcher {
  setEndpoint(endpoint: { readonly url: string } | undefined): void;
  enqueue(event: { readonly id: string; readonly type: string; readonly payload: string }): void;
  /** Resolves once no delivery is pending (delivered or given up). */
  whenIdle(): Promise<void>;
  attempts(): readonly WebhookDeliveryAttempt[];
  close(): void;
}

export interface WebhookDispatcherOptions {
  readonly secret: string;
  readonly policy: WebhookRetryPolicy;
  readonly nowMs: () => number;
}

export function retryDelayMs(policy: WebhookRetryPolicy, attemptNumber: number): number {
  return Math.min(policy.retryDelayMsInitial * 2 ** (attemptNumber - 1), policy.retryDelayMsMax);
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  let endpointUrl: string | undefined;
  let pendingCount = 0;
  const lifecycle = { closed: false };
  const isClosed = (): boolean => lifecycle.closed;
  const idleWaiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const log: WebhookDeliveryAttempt[] = [];

  const settleOne = (): void => {
    pendingCount -= 1;
    if (pendingCount === 0) for (const wake of idleWaiters.splice(0)) wake();
  };
  const record = (attempt: WebhookDeliveryAttempt): void => {
    log.push(attempt);
    if (log.length > WEBHOOK_DELIVERY_LOG_ENTRY_COUNT_MAX) log.shift();
  };

  const attemptOnce = async (url: string, payload: string): Promise<number | 'network_error'> => {
    const header = stripeSignatureHeader({ payload, secret: options.secret, timestampSeconds: Math.floor(options.nowMs() / 1000) });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header, 'user-agent': WEBHOOK_USER_AGENT },
        body: payload,
        signal: AbortSignal.timeout(options.policy.attemptTimeoutMs),
      });
      await response.body?.cancel();
      return response.status;
    } catch {
      return 'network_error';
    }
  };

  const deliver = async (event: { readonly id: string; readonly type: string; readonly payload: string }, attemptNumber: number): Promise<void> => {
    const url = endpointUrl;
    if (lifecycle.closed || url === undefined) {
      settleOne();
      return;
    }
    const outcome = await attemptOnce(url, event.payload);
    const delivered = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    record({ eventId: event.id, eventType: event.type, attemptNumber, outcome, delivered });
    if (delivered || isClosed() || attemptNumber >= options.policy.attemptCountMax) {
      settleOne();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(event, attemptNumber + 1);
    }, retryDelayMs(options.policy, attemptNumber));
    timers.add(timer);
  };

  return {
    setEndpoint(endpoint) {
      endpointUrl = endpoint?.url;
    },
    enqueue(event) {
      if (lifecycle.closed || endpointUrl === undefined) return;
      pendingCount += 1;
      void deliver(event, 1);
    },
    whenIdle() {
      if (pendingCount === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    attempts() {
      return [...log];
    },
    close() {
      lifecycle.closed = true;
      for (const timer of timers) clearTimeout(timer);
      // Each cleared timer held one pending delivery.
      for (let index = 0; index < timers.size; index += 1) settleOne();
      timers.clear();
    },
  };
}
