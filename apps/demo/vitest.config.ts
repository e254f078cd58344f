import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

// The demo's own resolve settings (the package's source, one React), plus jsdom.
const config: UserWorkspaceConfig = mergeConfig(
  viteConfig,
  defineProject({
    test: {
      name: 'demo',
      environment: 'jsdom',
      include: ['src/__tests__/**/*.test.{ts,tsx}'],
      setupFiles: ['src/__tests__/setup.ts'],
      restoreMocks: true,
    },
  }),
)

export default config
