import {defineConfig} from 'vitest/config'

// Projects by testing level (architecture.md). System and conformance tests start real processes
// (edge dev, edge provide, Podman containers, an Akash node), so they run one file at a time.
export default defineConfig({
  test: {
    // oclif writes through console.log; without this, runCommand captures nothing.
    disableConsoleIntercept: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}', 'test/component/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // Needs the oclif manifest that `npm run build` writes.
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'commands',
          include: ['test/commands/**/*.test.ts'],
          setupFiles: ['test/contract/check-command-results.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/system/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
