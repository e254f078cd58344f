#!/usr/bin/env node
// A stranger's first install, in CI: builds the package, packs it with pnpm (as publishing does),
// and installs the tarball with npm into fresh Vite apps in a temp dir outside the workspace — one
// on React 19 + zustand 5, one on the lowest peers (React 18 + zustand 4) — whose code is the
// package README's quick start (AvatarCall.tsx, copied from the README) plus a main.tsx that also
// uses `react-avatar-keepalive/core` and the `/testing` types, and a stricter consumer's strict.ts.
// Each app is then type-checked with `moduleResolution` `bundler` and `nodenext` (strict,
// exactOptionalPropertyTypes, skipLibCheck off, no `*.css` declaration), and its server/ code
// with Node's types and no DOM lib (`node`: the core's declarations need no DOM), its package entries are loaded by Node, and `vite build` builds it. The React 18 app also asks
// Metro's resolver (React Native 0.73/0.74's) for the package, as an app on those versions would,
// whose Metro reads `main` unless package exports are turned on.
//
//   node scripts/consumer-check.mjs [--report <file>] [--keep]
//
// Fails on: a file missing from the tarball or the install, any peer-dependency warning in npm's
// output, a type error, an entry Node cannot load, a failed build. Prints what npm printed and the
// built sizes. Versions are read from the workspace's package.json files, so the apps use what the
// repository tests with. Everything (the tarball, the apps, npm's cache) lives in one temp dir,
// removed at the end. `--report` writes { passed, failed } (one per check) for ci-summary.mjs.
import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = join(import.meta.dirname, '..')
const PKG = join(ROOT, 'packages', 'react-avatar-keepalive')
const PNPM = join(ROOT, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs')
const NAME = 'react-avatar-keepalive'

const args = process.argv.slice(2)
const reportPath = args.includes('--report') ? args[args.indexOf('--report') + 1] : undefined
const keep = args.includes('--keep')

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))
const rootPkg = readJson(join(ROOT, 'package.json'))
const pkg = readJson(join(PKG, 'package.json'))
const demoPkg = readJson(join(ROOT, 'apps', 'demo', 'package.json'))
const react18Pkg = readJson(join(PKG, 'compat', 'react-18', 'package.json'))
const zustand4Pkg = readJson(join(PKG, 'compat', 'zustand-4', 'package.json'))

/** The version the workspace pins for a dependency, from the first manifest that lists it. */
function pinned(name, ...manifests) {
  for (const manifest of manifests) {
    const version = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name]
    if (version && /^\d/.test(version)) return version
  }
  throw new Error(`no pinned version of ${name} in the workspace`)
}

const common = {
  '@tanstack/react-query': pinned('@tanstack/react-query', rootPkg, pkg),
  vite: pinned('vite', rootPkg, demoPkg),
  '@vitejs/plugin-react': pinned('@vitejs/plugin-react', demoPkg),
  typescript: pinned('typescript', rootPkg),
  '@types/node': pinned('@types/node', rootPkg),
  // /testing is typed against msw: an app that imports its types has msw for its tests.
  msw: pinned('msw', pkg, rootPkg),
}
const VARIANTS = [
  {
    name: 'react-19',
    dependencies: {
      react: pinned('react', rootPkg, pkg),
      'react-dom': pinned('react-dom', rootPkg, pkg),
      zustand: pinned('zustand', pkg),
    },
    devDependencies: {
      '@types/react': pinned('@types/react', pkg),
      '@types/react-dom': pinned('@types/react-dom', pkg),
    },
  },
  {
    // The lowest peers the package allows, as its compat test projects have them.
    name: 'react-18',
    dependencies: {
      react: pinned('react', react18Pkg),
      'react-dom': pinned('react-dom', react18Pkg),
      zustand: pinned('zustand', zustand4Pkg),
    },
    // The workspace has no React 18 types (its compat tests run on React 19's): the newest 18.x.
    // Metro's resolver as React Native 0.73 and 0.74 have it (React 18, package exports off).
    devDependencies: {
      '@types/react': '18.3.32',
      '@types/react-dom': '18.3.7',
      'metro-resolver': '0.80.12',
    },
  },
]

// What the published package must hold, besides every target of its `exports`.
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/styles.css',
  'dist/styles.css.d.ts',
]

const results = []
const started = Date.now()

/** Records one check; `fn` returns nothing (ok) or throws (failed). */
async function check(log, name, fn) {
  const t = Date.now()
  try {
    await fn()
    results.push({ name, ok: true, ms: Date.now() - t })
    log(`  ok    ${name} (${seconds(Date.now() - t)})`)
    return true
  } catch (error) {
    results.push({ name, ok: false, ms: Date.now() - t })
    log(`  FAIL  ${name} (${seconds(Date.now() - t)})`)
    log(indent(String(error?.message ?? error), 8))
    return false
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`
const indent = (text, n) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => ' '.repeat(n) + line)
    .join('\n')

/** Runs a command to its end; resolves { code, output } (stdout and stderr, interleaved). */
function run(command, commandArgs, { cwd, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd,
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }))
    child.on('close', (code) => resolve({ code: code ?? -1, output }))
  })
}

async function mustRun(command, commandArgs, options, what) {
  const { code, output } = await run(command, commandArgs, options)
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${output.trim()}`)
  return output
}

/** Every string target of an `exports` map. */
function exportTargets(value) {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets)
  return []
}

function missingFiles(dir, manifest) {
  const wanted = new Set([
    ...REQUIRED,
    ...exportTargets(manifest.exports).map((t) => t.replace(/^\.\//, '')),
  ])
  return [...wanted].filter((file) => !existsSync(join(dir, file)))
}

/** The README's quick-start component, exactly as a reader would copy it. */
function quickStart() {
  const readme = readFileSync(join(PKG, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => part.startsWith('Quick start'))
  const block = section && /```tsx\n(\/\/ AvatarCall\.tsx\n[\s\S]*?)```/.exec(section)
  if (!block)
    throw new Error(
      'README.md: no ```tsx block starting `// AvatarCall.tsx` under "## Quick start"',
    )
  if (!/export function AvatarCall\b/.test(block[1])) {
    throw new Error('README.md quick start: AvatarCall.tsx no longer exports `AvatarCall`')
  }
  return block[1]
}

// The app's entry: renders the quick start, and uses /core and the /testing types as an app would.
// Relative imports carry `.js`, which both `bundler` and `nodenext` resolution accept.
const MAIN = `import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import {
  AVATAR_API_EU,
  isTerminalStatus,
  keepAliveQueryKey,
  type AvatarSessionStatus,
} from 'react-avatar-keepalive/core'
import type { AvatarApiMock, MockRequest } from 'react-avatar-keepalive/testing'
import { AvatarCall } from './AvatarCall.js'

// A test helper's signature: the /testing types, without bundling msw.
export function keepAlivesOf(api: AvatarApiMock, sessionId: string): readonly MockRequest[] {
  return api.requests.filter((r) => r.sessionId === sessionId && r.endpoint === 'keep-alive')
}

const params = new URLSearchParams(location.search)
const sessionId = params.get('session') ?? 'session-1'
const token = params.get('token') ?? 'token-1'
const ended: (status: AvatarSessionStatus) => boolean = isTerminalStatus
console.info(keepAliveQueryKey(sessionId), AVATAR_API_EU, ended('alive'))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AvatarCall sessionId={sessionId} token={token} />
  </StrictMode>,
)
`

// A stricter consumer's code (exactOptionalPropertyTypes): optional options forwarded as they are,
// possibly undefined, and the keep-alive's query options handed to TanStack's own observer.
const STRICT = `import { QueryObserver, type QueryClient } from '@tanstack/react-query'
import type { UseAvatarKeepAliveOptions } from 'react-avatar-keepalive'
import {
  keepAliveQueryOptions,
  sendKeepAlive,
  type AvatarKeepAliveError,
} from 'react-avatar-keepalive/core'

export interface CallProps {
  baseUrl?: string
  onError?: (error: AvatarKeepAliveError) => void
  signal?: AbortSignal
}

export const optionsOf = ({ baseUrl, onError }: CallProps): UseAvatarKeepAliveOptions => ({
  baseUrl,
  onError,
  store: undefined,
})

export const keepOnce = (sessionId: string, token: string, { baseUrl, signal }: CallProps) =>
  sendKeepAlive({ sessionId, token, baseUrl, signal })

export const observe = (
  client: QueryClient,
  driven: Parameters<typeof keepAliveQueryOptions>[0],
) => new QueryObserver(client, keepAliveQueryOptions(driven))
`

// Server code: Node's types and no DOM lib (tsconfig.node.json), keeping a session with the core.
const SERVER = `import { AVATAR_API_EU, keepAvatarSessionAlive } from 'react-avatar-keepalive/core'

export const keep = (sessionId: string, token: string) =>
  keepAvatarSessionAlive(sessionId, token, { baseUrl: AVATAR_API_EU })
`

// Node loads each entry as a consumer's server code or test runner would.
const SMOKE = `
const root = await import('${NAME}')
const core = await import('${NAME}/core')
const testing = await import('${NAME}/testing')
const checks = {
  'useAvatarKeepAlive': typeof root.useAvatarKeepAlive,
  'SessionStatusBadge': typeof root.SessionStatusBadge,
  'core.keepAvatarSessionAlive': typeof core.keepAvatarSessionAlive,
  'core.endAvatarSession': typeof core.endAvatarSession,
  'testing.createAvatarApiMock': typeof testing.createAvatarApiMock,
}
const wrong = Object.entries(checks).filter(([, type]) => type !== 'function' && type !== 'object')
if (wrong.length) throw new Error('missing exports: ' + wrong.map(([name]) => name).join(', '))
const css = new URL(import.meta.resolve('${NAME}/styles.css'))
if (!css.pathname.endsWith('/dist/styles.css')) throw new Error('styles.css resolves to ' + css)
console.log('entries load in Node ' + process.version + '; styles.css -> ' + css.pathname.split('/node_modules/')[1])
`

// What Metro finds for the package, with package exports off (its default before React Native
// 0.79, when only `main` counts) and on. The context is Metro's, cut down to a plain
// node_modules lookup: no Haste, no symlinks, no redirects, iOS.
const METRO = `
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import metroResolver from 'metro-resolver'

const { resolve } = metroResolver

const getPackage = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}
function getPackageForModule(modulePath) {
  for (let dir = modulePath; dir !== dirname(dir) && basename(dir) !== 'node_modules'; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      return { packageJson: getPackage(file), rootPath: dir, packageRelativePath: relative(dir, modulePath) }
    }
  }
  return null
}
const context = (exportsOn) => ({
  assetExts: new Set(['png']),
  allowHaste: false,
  customResolverOptions: {},
  disableHierarchicalLookup: false,
  doesFileExist: (file) => existsSync(file) && statSync(file).isFile(),
  extraNodeModules: null,
  getPackage,
  getPackageForModule,
  mainFields: ['react-native', 'browser', 'main'],
  nodeModulesPaths: [],
  originModulePath: join(process.cwd(), 'App.js'),
  preferNativePlatform: true,
  redirectModulePath: (file) => file,
  resolveAsset: () => null,
  resolveHasteModule: () => undefined,
  resolveHastePackage: () => undefined,
  sourceExts: ['js', 'jsx', 'json', 'ts', 'tsx'],
  unstable_conditionNames: ['require', 'import'],
  unstable_conditionsByPlatform: { web: ['browser'] },
  unstable_enablePackageExports: exportsOn,
  unstable_logWarning: () => {},
})
for (const exportsOn of [false, true]) {
  const { filePath } = resolve(context(exportsOn), '${NAME}', 'ios')
  const found = relative(process.cwd(), filePath)
  if (found !== 'node_modules/${NAME}/dist/index.js') throw new Error('Metro found ' + found)
  console.log('package exports ' + (exportsOn ? 'on: ' : 'off:') + ' ${NAME} -> ' + found)
}
`

function tsconfig(resolution) {
  const node = resolution === 'node'
  return {
    compilerOptions: {
      target: 'ES2022',
      // Server code has Node's types and no DOM: the core's declarations must not need the DOM's.
      lib: node ? ['ES2022'] : ['ES2022', 'DOM', 'DOM.Iterable'],
      ...(resolution === 'bundler'
        ? { module: 'ESNext', moduleResolution: 'bundler' }
        : { module: 'NodeNext', moduleResolution: 'NodeNext' }),
      moduleDetection: 'force',
      jsx: 'react-jsx',
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noFallthroughCasesInSwitch: true,
      noUncheckedSideEffectImports: true,
      verbatimModuleSyntax: true,
      // The strictest optional properties: a consumer may pass `undefined` for any option.
      exactOptionalPropertyTypes: true,
      // Off: the package's declarations (and what they import) are checked too.
      skipLibCheck: false,
      noEmit: true,
      // No vite/client: nothing declares `*.css`, so the stylesheet's own types must resolve.
      types: node ? ['node'] : [],
    },
    include: [node ? 'server' : 'src'],
  }
}

function writeApp(dir, variant, tarball, avatarCall) {
  mkdirSync(join(dir, 'src'), { recursive: true })
  mkdirSync(join(dir, 'server'), { recursive: true })
  const manifest = {
    name: `consumer-${variant.name}`,
    private: true,
    type: 'module',
    dependencies: {
      [NAME]: `file:${relative(dir, tarball)}`,
      ...variant.dependencies,
      '@tanstack/react-query': common['@tanstack/react-query'],
    },
    devDependencies: {
      ...variant.devDependencies,
      '@vitejs/plugin-react': common['@vitejs/plugin-react'],
      '@types/node': common['@types/node'],
      msw: common.msw,
      typescript: common.typescript,
      vite: common.vite,
    },
  }
  const files = {
    'package.json': JSON.stringify(manifest, null, 2),
    'index.html':
      '<!doctype html>\n<html lang="en">\n  <head><meta charset="UTF-8" /><title>consumer</title></head>\n' +
      '  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
    'vite.config.js':
      "import react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vite'\n\nexport default defineConfig({ plugins: [react()] })\n",
    'tsconfig.bundler.json': JSON.stringify(tsconfig('bundler'), null, 2),
    'tsconfig.nodenext.json': JSON.stringify(tsconfig('nodenext'), null, 2),
    'tsconfig.node.json': JSON.stringify(tsconfig('node'), null, 2),
    'src/AvatarCall.tsx': avatarCall,
    'src/main.tsx': MAIN,
    'src/strict.ts': STRICT,
    'server/keep.ts': SERVER,
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
  return manifest
}

/** npm's warnings about peer dependencies (npm 7+: `npm warn ERESOLVE …`, `Could not resolve dependency: peer …`). */
function peerWarnings(output) {
  const warnings = output.split('\n').filter((line) => /^npm warn/i.test(line))
  return warnings.some((line) => /\bpeer\b|ERESOLVE|peerDependencies/i.test(line)) ? warnings : []
}

function builtSizes(dir) {
  const assets = join(dir, 'dist', 'assets')
  return readdirSync(assets)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const bytes = readFileSync(join(assets, file))
      return { file, size: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
    })
}

async function variantChecks(variant, tmp, tarball, avatarCall, npmCache) {
  const lines = []
  const log = (line) => lines.push(line)
  const dir = join(tmp, variant.name)
  const manifest = writeApp(dir, variant, tarball, avatarCall)
  const deps = { ...manifest.dependencies, ...manifest.devDependencies }
  delete deps[NAME]
  log(
    `\n--- ${variant.name}: ${Object.entries(deps)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')}`,
  )
  const node = (script, ...rest) => [
    process.execPath,
    [join(dir, 'node_modules', ...script.split('/')), ...rest],
  ]

  const installed = await check(
    log,
    `${variant.name}: npm install (no peer-dependency warning)`,
    async () => {
      const { code, output } = await run('npm', ['install', '--no-audit', '--no-fund'], {
        cwd: dir,
        env: { npm_config_cache: npmCache, npm_config_update_notifier: 'false' },
      })
      log('        npm printed:')
      log(indent(output.trim() || '(nothing)', 10))
      if (code !== 0) throw new Error(`npm install exited with ${code}`)
      const peers = peerWarnings(output)
      if (peers.length > 0) throw new Error(`peer-dependency warnings:\n${peers.join('\n')}`)
    },
  )
  if (!installed) return lines

  await check(log, `${variant.name}: installed package has every file`, async () => {
    const installedDir = join(dir, 'node_modules', NAME)
    const missing = missingFiles(installedDir, readJson(join(installedDir, 'package.json')))
    if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`)
  })
  // Both resolutions at once (each is a separate tsc run; they only read).
  const typeChecks = ['bundler', 'nodenext', 'node'].map(async (resolution) => {
    const own = []
    await check(
      (line) => own.push(line),
      `${variant.name}: tsc, ${resolution === 'node' ? "server code, Node's types, no DOM lib" : `moduleResolution ${resolution}`}`,
      async () => {
        const tsc = node(
          'typescript/bin/tsc',
          '-p',
          `tsconfig.${resolution}.json`,
          '--pretty',
          'false',
        )
        await mustRun(...tsc, { cwd: dir }, 'tsc')
      },
    )
    return own
  })
  for (const own of await Promise.all(typeChecks)) lines.push(...own)
  // A module script run by Node in the app, as its own code would run.
  const runScript = (name, script) =>
    check(log, `${variant.name}: ${name}`, async () => {
      const output = await mustRun(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: dir },
        'node',
      )
      log(indent(output, 8))
    })
  await runScript('Node loads every entry', SMOKE)
  if (deps['metro-resolver'])
    await runScript('Metro (React Native 0.73, 0.74) resolves the package', METRO)
  await check(log, `${variant.name}: vite build`, async () => {
    await mustRun(
      ...node('vite/bin/vite.js', 'build', '--logLevel', 'warn'),
      { cwd: dir },
      'vite build',
    )
    const sizes = builtSizes(dir)
    const css = sizes.find((asset) => asset.file.endsWith('.css'))
    if (!css) throw new Error('no CSS in the build: styles.css was not bundled')
    const cssText = readFileSync(join(dir, 'dist', 'assets', css.file), 'utf8')
    if (!cssText.includes('data-avatar-keepalive-badge'))
      throw new Error(`${css.file} lacks the badge's rules`)
    log('        built:')
    for (const { file, size, gzip } of sizes) {
      log(`          ${file.padEnd(28)} ${kb(size).padStart(9)}   gzip ${kb(gzip).padStart(8)}`)
    }
  })
  return lines
}

async function main() {
  const tmp = mkdtempSync(join(realpathSync(tmpdir()), 'rak-consumer-'))
  if ((tmp + sep).startsWith(realpathSync(ROOT) + sep))
    throw new Error(`${tmp} is inside the workspace`)
  console.log(`consumer-check: ${tmp}`)
  const log = (line) => console.log(line)
  try {
    const built = await check(log, 'build the package', async () => {
      await mustRun(
        process.execPath,
        [PNPM, '--filter', NAME, 'build'],
        { cwd: ROOT },
        'pnpm build',
      )
    })
    let tarball
    const packed =
      built &&
      (await check(log, 'pnpm pack', async () => {
        await mustRun(
          process.execPath,
          [PNPM, 'pack', '--pack-destination', tmp],
          { cwd: PKG },
          'pnpm pack',
        )
        const name = readdirSync(tmp).find((file) => file.endsWith('.tgz'))
        if (!name) throw new Error('pnpm pack wrote no tarball')
        tarball = join(tmp, name)
      }))
    if (!packed) return

    await check(log, 'tarball has every file', async () => {
      const list = (await mustRun('tar', ['-tzf', tarball], { cwd: tmp }, 'tar'))
        .split('\n')
        .filter(Boolean)
        .map((file) => file.replace(/^package\//, ''))
      const top = new Map()
      for (const file of list) {
        const head = file.includes('/') ? `${file.split('/')[0]}/` : file
        top.set(head, (top.get(head) ?? 0) + 1)
      }
      const listing = [...top].map(([head, n]) =>
        head.endsWith('/') ? `${head} (${n} files)` : head,
      )
      log(
        `        ${relative(tmp, tarball)}: ${kb(statSync(tarball).size)}, ${list.length} files: ${listing.join(', ')}`,
      )
      const extract = join(tmp, 'extract')
      mkdirSync(extract)
      await mustRun('tar', ['-xzf', tarball, '-C', extract], { cwd: tmp }, 'tar')
      const unpacked = join(extract, 'package')
      const missing = missingFiles(unpacked, readJson(join(unpacked, 'package.json')))
      if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`)
      const tests = list.filter((file) => /__tests__|\.test\.tsx?$/.test(file))
      if (tests.length > 0) throw new Error(`test files shipped: ${tests.join(', ')}`)
    })

    let avatarCall
    const readme = await check(log, 'README quick start found', async () => {
      avatarCall = quickStart()
    })
    if (!readme) return

    const npmCache = join(tmp, 'npm-cache')
    // Both apps at once: they share npm's cache (inside the temp dir), and each prints its own log.
    const logs = await Promise.all(
      VARIANTS.map((variant) => variantChecks(variant, tmp, tarball, avatarCall, npmCache)),
    )
    for (const lines of logs) console.log(lines.join('\n'))
  } finally {
    if (keep) console.log(`\nconsumer-check: kept ${tmp}`)
    else rmSync(tmp, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (error) {
  results.push({ name: 'consumer check', ok: false })
  console.error(error)
}
const passed = results.filter((r) => r.ok).length
const failed = results.length - passed
console.log(
  `\nconsumer-check: ${passed} passed, ${failed} failed, in ${seconds(Date.now() - started)}`,
)
if (reportPath) {
  mkdirSync(dirname(reportPath), { recursive: true })
  writeFileSync(reportPath, `${JSON.stringify({ passed, failed })}\n`)
}
process.exitCode = failed > 0 || passed === 0 ? 1 : 0
