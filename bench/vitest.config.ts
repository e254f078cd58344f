import { defaultClientConditions } from 'vite'
import { defineConfig, type ViteUserConfig } from 'vitest/config'

// Run by bench/run.mjs, never by the root `vitest run` (whose projects are packages/* and apps/*).
const config: ViteUserConfig = defineConfig({
  // Read the package's source, as its own tests do: no build needed.
  resolve: { conditions: ['@avatar-keepalive/source', ...defaultClientConditions] },
  cacheDir: '../node_modules/.vite/bench',
  test: {
    name: 'bench',
    root: import.meta.dirname,
    environment: 'jsdom',
    include: ['rows/*.test.tsx', 'isolated/*.test.{ts,tsx}'],
    setupFiles: ['setup.ts'],
    // Row 6 measures heap growth after a full GC.
    execArgv: ['--expose-gc'],
    testTimeout: 170_000,
    hookTimeout: 30_000,
    restoreMocks: true,
  },
})

export default config
