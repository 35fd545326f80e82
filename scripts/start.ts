/**
 * `npm start`: OneCard on its embedded defaults — emulated cards, validators
 * with real journals, the clearing house on PGlite with its dashboard, and the
 * local Stripe fake (conformance-tests/src/city). DATABASE_URL: PostgreSQL
 * instead; STRIPE_SECRET_KEY + STRIPE_WEBHOOK_SECRET: Stripe test mode.
 * ONECARD_DEMO_EXIT_AFTER_MS stops it after that long (headless tests).
 */
import { runDemo } from '../conformance-tests/src/city/demo.js';

const stopRequested = new Promise<void>((resolve) => {
  process.once('SIGINT', () => {
    resolve();
  });
  process.once('SIGTERM', () => {
    resolve();
  });
});

try {
  process.exitCode = await runDemo({ env: process.env, write: (text) => process.stdout.write(text), stopRequested });
} catch (error: unknown) {
  process.stderr.write(`npm start failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error'}\n`);
  process.exitCode = 1;
}
