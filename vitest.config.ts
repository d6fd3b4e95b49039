import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Browser and child-process tests are heavy on a 2-core machine; keep parallelism modest.
    maxWorkers: 2,
    env: { NODE_ENV: 'test' },
  },
});
