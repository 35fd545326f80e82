import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'clearing-house',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
