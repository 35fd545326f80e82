import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'issuance-portal',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
