/**
 * The fake's stand-in for Stripe's hosted Checkout page: shows what is paid
 * for and lets the payer pick one of Stripe's test cards. Paying redirects to
 * the session's success_url (with {CHECKOUT_SESSION_ID} filled in) and raises
 * the events Stripe would. Test mode only: no card data is ever entered.
 */
import type { Env, Hono } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { FAKE_CHECKOUT_PAGE_PATH, payCheckoutSession } from './fake-checkout.js';
import type { EventDraft } from './fake-handler.js';
import type { FakeCheckoutSession, FakeState } from './fake-state.js';
import { TEST_PAYMENT_METHODS } from './fake-test-cards.js';

const CHECKOUT_SESSION_ID_PLACEHOLDER = '{CHECKOUT_SESSION_ID}';
const PAGE_CSS = `body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;background:#f6f8fa;color:#1b2430;margin:0}
main{max-width:520px;margin:40px auto;background:#fff;border:1px solid #d5dbe3;border-radius:12px;padding:24px}
h1{font-size:20px;margin:14px 0 4px}.amount{font-size:30px;font-weight:700;margin:8px 0 16px}
.test{background:#fdf0d5;color:#7a4b00;border-radius:6px;padding:6px 10px;font-size:13px;font-weight:600;display:inline-block}
.error{background:#fde2e2;color:#9b1c1c;border-radius:6px;padding:8px 12px;margin:12px 0}
form{margin:6px 0}button{width:100%;font:inherit;font-weight:600;padding:10px;border-radius:8px;border:1px solid #0072b2;background:#0072b2;color:#fff;cursor:pointer;text-align:left}
button.decline{background:#fff;color:#0072b2}button:focus-visible{outline:3px solid #e69f00;outline-offset:2px}a{color:#0072b2}`;

export interface CheckoutPageContext {
  readonly state: FakeState;
  readonly emit: (drafts: readonly EventDraft[]) => void;
}

function formatAmount(session: FakeCheckoutSession): string {
  return new Intl.NumberFormat('vi-VN', { style: 'currency', currency: session.currency.toUpperCase() }).format(session.amountTotal);
}

function page(session: FakeCheckoutSession, error: string | undefined): HtmlEscapedString | Promise<HtmlEscapedString> {
  const methods = [...TEST_PAYMENT_METHODS.entries()].map(
    ([id, outcome]) => html`<form method="post" action="${FAKE_CHECKOUT_PAGE_PATH}/${session.id}/pay"><input type="hidden" name="payment_method" value="${id}"><button type="submit" class="${outcome.kind === 'succeeds' ? 'pay' : 'decline'}">${id}${outcome.kind === 'succeeds' ? ' ✓' : ` ✗ (${outcome.code})`}</button></form>`,
  );
  return html`<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Thanh toán · Checkout (test)</title><style>${PAGE_CSS}</style></head>
<body><main><span class="test">Stripe test mode — fake Checkout</span>
<h1>${session.productName}</h1><p class="amount">${formatAmount(session)}</p>
${error === undefined ? '' : html`<p class="error" role="alert">${error}</p>`}
<p>Chọn thẻ thử nghiệm · Pick a test card:</p>${methods}
${session.cancelUrl === null ? '' : html`<p><a href="${session.cancelUrl}">Huỷ · Cancel</a></p>`}
</main></body></html>`;
}

export function mountCheckoutPage<E extends Env>(app: Hono<E>, context: CheckoutPageContext): void {
  app.get(`${FAKE_CHECKOUT_PAGE_PATH}/:id`, (c) => {
    const session = context.state.checkoutSessions.get(c.req.param('id'));
    if (session === undefined) return c.text('No such Checkout Session.', 404);
    if (session.status !== 'open') return c.text('This Checkout Session is no longer open.', 410);
    return c.html(page(session, undefined));
  });

  app.post(`${FAKE_CHECKOUT_PAGE_PATH}/:id/pay`, async (c) => {
    const form = await c.req.parseBody();
    const paymentMethod = form['payment_method'];
    if (typeof paymentMethod !== 'string') return c.text('payment_method is required.', 400);
    const result = payCheckoutSession(context.state, c.req.param('id'), paymentMethod);
    switch (result.kind) {
      case 'paid':
        context.emit(result.events);
        return c.redirect(result.session.successUrl.replaceAll(CHECKOUT_SESSION_ID_PLACEHOLDER, result.session.id), 303);
      case 'declined': {
        context.emit(result.events);
        const session = context.state.checkoutSessions.get(c.req.param('id'));
        if (session === undefined) return c.text('No such Checkout Session.', 404);
        return c.html(page(session, result.message), 402);
      }
      case 'not_found':
        return c.text('No such Checkout Session.', 404);
      case 'not_open':
        return c.text('This Checkout Session is no longer open.', 410);
      case 'unknown_payment_method':
        return c.text('Unknown test payment method.', 400);
    }
  });
}
