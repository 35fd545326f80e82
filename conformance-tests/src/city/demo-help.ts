/** What `npm start` prints once the city runs: where to look and what to try. */
import type { City } from './start-city.js';

export function demoHelpText(input: { readonly city: City; readonly webViewUrl: string }): string {
  const { city } = input;
  const adult = city.cards.find((card) => card.kind === 'adult');
  const lines = [
    '',
    'OneCard is running.',
    `  Dashboard (tiếng Việt): ${city.dashboardUrl}?lang=vi`,
    `  Dashboard (English):    ${city.dashboardUrl}?lang=en`,
    `  Clearing-house API:     ${city.clearingHouseUrl}/openapi.json`,
    `  Fare feed (signed):     ${city.clearingHouseUrl}/v1/feeds/fares  (version ${city.fareFeed.version}, what every bus validator prices with)`,
    `  Validator web view:     ${input.webViewUrl}  (bus validator ${city.validators[0]?.deviceId ?? '?'}, the one that autoloads top-ups)`,
    city.stripe.mode === 'fake' ? `  Stripe fake:            ${city.stripe.url ?? '?'}` : '  Payments:               Stripe test mode (STRIPE_SECRET_KEY)',
    '',
    'Try a top-up (an order and its PaymentIntent):',
    `  curl -s -X POST ${city.clearingHouseUrl}/v1/topups -H 'content-type: application/json' \\`,
    `    -d '{"cardNumber":"${adult?.cardNumber ?? ''}","application":"transit","amountVnd":50000,"idempotencyKey":"demo-topup-0001"}'`,
  ];
  if (city.stripe.mode === 'fake') {
    lines.push(
      'then pay it as the payer would (the local fake takes Stripe test cards; its key is a throw-away local value):',
      `  curl -s -X POST ${city.stripe.url ?? ''}/v1/payment_intents/<paymentIntentId>/confirm -u "${city.clearing.payments.fake?.secretKey ?? ''}:" -d payment_method=pm_card_visa`,
      'The signed webhook reaches the clearing house, the action list carries the autoload, and the card is credited at its next tap on the autoload validator.',
    );
  }
  lines.push(
    '',
    'A few taps every few seconds keep the dashboard moving. Ctrl-C stops everything.',
    '',
  );
  return `${lines.join('\n')}\n`;
}
