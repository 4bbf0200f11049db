import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    // Hooks synthesize the stack (infra) or start a runtime with its IAM (integ): seconds each on a busy machine.
    hookTimeout: 60_000,
    // Vitest's default on 2 cores is one worker; most files wait on runtimes, child processes and dynalite threads,
    // so two keep both cores busy (the whole suite: 9 → 6.5 minutes here, every file green).
    maxWorkers: 2,
  },
});
