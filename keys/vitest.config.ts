import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'keys',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
