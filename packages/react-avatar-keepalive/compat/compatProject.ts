import { fileURLToPath } from 'node:url'
import { configDefaults, mergeConfig, type UserWorkspaceConfig } from 'vitest/config'
import packageConfig from '../vitest.config.ts'

// The peers whose lowest allowed versions these projects test. Each compat folder installs its
// own copies (pnpm links react-query and testing-library against them), and the package's source
// is pointed at them here, so that one React and one zustand are loaded.
const PEERS = [
  'react',
  'react-dom',
  'react-test-renderer',
  '@tanstack/react-query',
  '@testing-library/react',
  'zustand',
]

/**
 * The package's own test project, run from `compat/<name>` against the peers installed there:
 * the same test files, no copies.
 */
export function compatProject(
  name: string,
  dir: string,
  expected: { react: string; zustand: string; query?: string },
  skip: string[] = [],
): UserWorkspaceConfig {
  const modules = fileURLToPath(new URL('./node_modules/', dir))
  return mergeConfig(packageConfig, {
    resolve: {
      alias: PEERS.map((peer) => ({
        find: new RegExp(`^${peer.replace('/', '\\/')}(/.*)?$`),
        replacement: `${modules}${peer}$1`,
      })),
    },
    test: {
      name: `react-avatar-keepalive (${name})`,
      root: fileURLToPath(new URL('../', import.meta.url)),
      typecheck: { enabled: false },
      // The pure engine's random walks and the check of the model checker's states (and the
      // checker, a project of its own) touch neither React nor zustand: once is enough.
      exclude: [
        ...configDefaults.exclude,
        'src/__tests__/engine.{property,property.interval,property.firefox,model.canonical}.test.ts',
        ...skip,
      ],
      // The package config's EXPECTED_QUERY (any 5.x) holds unless this project pins one.
      env: {
        EXPECTED_REACT: expected.react,
        EXPECTED_ZUSTAND: expected.zustand,
        ...(expected.query && { EXPECTED_QUERY: expected.query }),
      },
    },
  })
}
