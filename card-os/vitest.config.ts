import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'card-os',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
