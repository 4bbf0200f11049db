import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    // Hooks synthesize the stack (infra) or start a runtime with its IAM (integ): seconds each on a busy machine.
    hookTimeout: 60_000,
  },
});
