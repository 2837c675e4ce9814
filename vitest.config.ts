import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: two test files at a time, each in its own process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './service/test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'service',
          include: ['service/test/**/*.test.ts', 'lab/test/**/*.test.ts'],
          // The image tests boot the built OVA and run with `npm run image:test` (vitest.image.config.ts).
          exclude: ['**/node_modules/**', 'service/test/image/**'],
          globalSetup: ['service/test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'helper',
          include: ['appliance/helper/test/**/*.test.ts'],
          // Root, and Debian's PostgreSQL (installed when missing) in a cluster of its own, as the
          // helper runs on the appliance: peer authentication as the postgres OS user.
          // The Backup and Restore panel's browser test also needs Chromium and the built UI.
          globalSetup: ['appliance/helper/test/support/debian-postgres.ts', 'admin-ui/test/support/browser-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'admin-ui',
          include: ['admin-ui/test/**/*.test.ts'],
          // Browser tests: Debian's Chromium (installed when missing) and the built UI. They drive what
          // `npm start` runs, which brings its own embedded PostgreSQL.
          globalSetup: ['admin-ui/test/support/browser-setup.ts'],
        },
      },
    ],
  },
});
