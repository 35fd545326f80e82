import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['keys', 'card-os', 'validator', 'clearing-house', 'conformance-tests'],
    passWithNoTests: false,
  },
});
