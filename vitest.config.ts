import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['keys', 'card-os', 'conformance-tests'],
    passWithNoTests: false,
  },
});
