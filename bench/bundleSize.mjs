import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = join(import.meta.dirname, '..')

/** The package's main entry as CI builds it. */
export const PACKAGE_DIST = join(ROOT, 'packages/react-avatar-keepalive/dist/index.js')
export const PACKAGE_SRC = join(ROOT, 'packages/react-avatar-keepalive/src/index.ts')

/**
 * Builds the package as CI does (its `build` script, tsdown), so that dist/ is today's source.
 * @returns {number | null} the build's exit status
 */
export function buildPackage() {
  return spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: dirname(dirname(PACKAGE_DIST)),
    stdio: ['ignore', 'ignore', 'inherit'],
  }).status
}

/**
 * What the budgets cover: three ways an app imports the package, each measured alone (a user's
 * bundler keeps only what the app imports). Keys are the names in size-budget.json.
 */
export const SIZE_ENTRIES = {
  'hook+badge': ['useAvatarKeepAlive', 'SessionStatusBadge'],
  hook: ['useAvatarKeepAlive'],
  badge: ['SessionStatusBadge', 'useSessionStatus'],
}

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

/** An app's production build: the same settings for every library measured. */
const options = (exports, from, resolveDir) => ({
  // The tiny entry file an app would be: it imports what it uses (and re-exports it, so that the
  // bundler keeps it).
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
  logLevel: 'silent',
})

/**
 * Bundles `exports` of `from` the way an app's production build would (ESM, minified, tree-shaken,
 * peers external, `NODE_ENV=production`, no legal comments) and returns the bytes of the output
 * minified and gzipped (level 9).
 *
 * @param {{ exports: string[], from: string, resolveDir?: string, conditions?: string[] }} entry
 * @returns {Promise<{ minified: number, gzipped: number }>}
 */
export async function minGzipSize({ exports, from, resolveDir = ROOT, conditions }) {
  const result = await build({
    ...options(exports, from, resolveDir),
    ...(conditions ? { conditions } : {}),
  })
  const code = result.outputFiles[0].contents
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}

/**
 * The size of each entry of SIZE_ENTRIES from the package's built main entry (dist/index.js), or
 * null when the package is not built; with `fromSource`, from its source instead.
 *
 * @param {{ fromSource?: boolean }} [options]
 * @returns {Promise<Record<string, { exports: string[], minified: number, gzipped: number }> | null>}
 */
export async function entrySizes({ fromSource = false } = {}) {
  if (!fromSource && !existsSync(PACKAGE_DIST)) return null
  const from = fromSource ? PACKAGE_SRC : PACKAGE_DIST
  const sizes = {}
  for (const [name, exports] of Object.entries(SIZE_ENTRIES)) {
    sizes[name] = { exports, ...(await minGzipSize({ exports, from, resolveDir: dirname(from) })) }
  }
  return sizes
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The segments of a source map's `mappings`, per generated line: [column, source index?]. */
function decodeMappings(mappings) {
  const lines = []
  let source = 0
  for (const line of mappings.split(';')) {
    const segments = []
    let column = 0
    for (const segment of line.split(',')) {
      if (!segment) continue
      const fields = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = shift = 0
        }
      }
      column += fields[0]
      if (fields.length > 1) source += fields[1]
      // Only the first two fields matter here; the others are relative to earlier segments too,
      // but nothing below reads them.
      segments.push([column, fields.length > 1 ? source : undefined])
    }
    lines.push(segments)
  }
  return lines
}

/**
 * Minified bytes per source module of an entry, as an app's production build of the BUILT package
 * has them: bundled from dist/index.js with the settings above, each byte of the minified output
 * given to the source file that the source maps (esbuild's, chained through dist's own) trace it
 * to; `(unmapped)` is the bundle's glue. Largest first. Minified bytes, not gzipped: gzip works
 * across modules, so its bytes cannot be split between them.
 *
 * @param {string[]} exports
 * @returns {Promise<{ minified: number, gzipped: number, modules: { path: string, bytes: number }[] }>}
 */
export async function moduleBreakdown(exports) {
  const result = await build({
    ...options(exports, PACKAGE_DIST, ROOT),
    outfile: join(ROOT, 'node_modules/.cache/size/entry.js'),
    sourcemap: 'external',
  })
  const code = result.outputFiles.find((file) => file.path.endsWith('.js')).text
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map')).text)
  const bytesBySource = new Map()
  const add = (source, text) => {
    const name =
      source === undefined
        ? '(unmapped)'
        : relative(
            dirname(PACKAGE_SRC),
            join(ROOT, 'node_modules/.cache/size', map.sources[source]),
          )
    bytesBySource.set(name, (bytesBySource.get(name) ?? 0) + Buffer.byteLength(text))
  }
  const lines = code.split('\n')
  decodeMappings(map.mappings).forEach((segments, index) => {
    const line = lines[index] ?? ''
    add(undefined, line.slice(0, segments[0]?.[0] ?? line.length))
    segments.forEach(([column, source], i) =>
      add(source, line.slice(column, segments[i + 1]?.[0] ?? line.length)),
    )
  })
  add(undefined, '\n'.repeat(lines.length - 1))
  const modules = [...bytesBySource]
    .map(([path, bytes]) => ({ path, bytes }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  const bytes = Buffer.from(code)
  return { minified: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength, modules }
}
