import { defineConfig } from 'vitest/config';

// Browser end-to-end specs: playwright-core drives Debian's Chromium against the built app.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    globalSetup: ['e2e/global-setup.ts'],
  },
});
