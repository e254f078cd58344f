import { configDefaults, defineProject, type UserWorkspaceConfig } from 'vitest/config'
import { MODEL_FILES } from './vitest.model.config.ts'

const config: UserWorkspaceConfig = defineProject({
  test: {
    name: 'react-avatar-keepalive',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    // The model checker is a project of its own (vitest.model.config.ts).
    exclude: [...configDefaults.exclude, ...MODEL_FILES],
    restoreMocks: true,
    env: { EXPECTED_REACT: '19', EXPECTED_ZUSTAND: '5', EXPECTED_QUERY: '5.' },
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.{ts,tsx}'],
      tsconfig: './tsconfig.json',
    },
  },
})

export default config
