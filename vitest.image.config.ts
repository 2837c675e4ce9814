import { defineConfig } from 'vitest/config';

/** `npm run image:test`: the built OVA booted in QEMU and checked from outside (slow: TCG). */
export default defineConfig({
  test: {
    include: ['service/test/image/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 20 * 60_000,
    reporters: ['default', './service/test/support/summary-reporter.ts'],
  },
});
