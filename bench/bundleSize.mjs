import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = join(import.meta.dirname, '..')

/** The package's main entry as CI builds it. */
export const PACKAGE_DIST = join(ROOT, 'packages/react-avatar-keepalive/dist/index.js')
const PACKAGE_SRC = join(ROOT, 'packages/react-avatar-keepalive/src/index.ts')

/** What the budget covers: the hook and the badge, as an app imports them. */
export const MEASURED_EXPORTS = ['useAvatarKeepAlive', 'SessionStatusBadge']

// Peer dependencies stay out of every bundle measured, subpaths included (react/jsx-runtime,
// zustand/vanilla…).
const PEERS = [
  'react',
  'react-dom',
  '@tanstack/react-query',
  '@tanstack/query-core',
  'zustand',
  'msw',
]
const EXTERNAL = PEERS.flatMap((peer) => [peer, `${peer}/*`])

/**
 * Bundles `exports` of `from` the way an app's production build would (ESM, minified, tree-shaken,
 * peers external, `NODE_ENV=production`, no legal comments) and returns the bytes of the output
 * minified and gzipped (level 9). The same settings for every library measured.
 *
 * @param {{ exports: string[], from: string, resolveDir?: string, conditions?: string[] }} entry
 * @returns {Promise<{ minified: number, gzipped: number }>}
 */
export async function minGzipSize({ exports, from, resolveDir = ROOT, conditions }) {
  const result = await build({
    stdin: {
      contents: `export { ${exports.join(', ')} } from ${JSON.stringify(from)}`,
      resolveDir,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: EXTERNAL,
    ...(conditions ? { conditions } : {}),
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}

/**
 * Size of `{ useAvatarKeepAlive, SessionStatusBadge }` from the package's built main entry; with
 * `fallbackToSource`, from its source when it is not built.
 *
 * @param {{ fallbackToSource?: boolean }} [options]
 * @returns {Promise<{ minified: number, gzipped: number, from: 'dist' | 'src' } | null>} null when
 *   the package is not built and there is no fallback
 */
export async function packageSize({ fallbackToSource = false } = {}) {
  if (existsSync(PACKAGE_DIST)) {
    return {
      ...(await minGzipSize({ exports: MEASURED_EXPORTS, from: PACKAGE_DIST })),
      from: 'dist',
    }
  }
  if (!fallbackToSource) return null
  const size = await minGzipSize({
    exports: MEASURED_EXPORTS,
    from: PACKAGE_SRC,
    resolveDir: dirname(PACKAGE_SRC),
  })
  return { ...size, from: 'src' }
}
