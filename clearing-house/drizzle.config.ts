import { defineConfig } from 'drizzle-kit';

/** `npx drizzle-kit generate --config clearing-house/drizzle.config.ts` writes clearing-house/drizzle/. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
