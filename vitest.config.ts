import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
        // Vitest's default is one worker fewer than the cores, which on a 2-core machine runs the files
        // one at a time; most files wait on the CLI or the server in a child process, so two at a time
        // keep both cores busy. Every test writes only into its own temporary folder.
        maxWorkers: Math.max(2, availableParallelism()),
    },
});
