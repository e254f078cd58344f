#!/usr/bin/env node
// Type-checks every ts/tsx code block of the package README against the BUILT package, as a user
// who pastes it would: a temp project outside the workspace whose node_modules link
// `react-avatar-keepalive` to packages/react-avatar-keepalive (package.json + dist/, resolved
// through `exports` without the workspace's source condition) and the peers to the copies the
// package was built against. Strict compiler settings; each block is its own module (file) in one
// compiler run, so blocks cannot see each other's names. A block whose first line is a file-name
// comment (`// AvatarCall.tsx`) is written under that name, so another block can import it
// (`./AvatarCall`).
//
//   node scripts/check-readme-blocks.mjs [--readme <file>] [--report <file>] [--keep]
//
// A block that is deliberately partial says so in an HTML comment on the line before it (a blank
// line between is fine):   <!-- readme-check: skip (why) -->
// It is left out, and counted as skipped. Prints what was checked and skipped; exits 1 on any
// compiler error, on a malformed or dangling marker, or when no block was checked. `--report`
// writes { passed, failed, skipped } for scripts/ci-summary.mjs. Needs the package built first.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const PKG = join(ROOT, 'packages', 'react-avatar-keepalive')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}
const readmePath = option('--readme') ?? join(PKG, 'README.md')
const reportPath = option('--report')
const keep = args.includes('--keep')
const shown = relative(ROOT, readmePath)

const CHECKED = new Set(['ts', 'tsx', 'typescript', 'mts'])
const MARKER = /^<!--\s*readme-check:(.*?)-->\s*$/
const SKIP = /^\s*skip\s*\((.+)\)\s*$/

// Modules the recipes import that this repository does not install. Declared here with the shapes
// of the real packages (react-native's AppState and Platform, @react-native-community/netinfo's
// default export), only as much as the recipes use; blocks that use them say so in the output.
const STUBS = {
  'react-native': `
  export type AppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'
  export type AppStateEvent = 'change' | 'memoryWarning' | 'blur' | 'focus'
  export interface NativeEventSubscription {
    remove(): void
  }
  export interface AppStateStatic {
    currentState: AppStateStatus
    isAvailable: boolean
    addEventListener(
      type: AppStateEvent,
      listener: (state: AppStateStatus) => void,
    ): NativeEventSubscription
  }
  export const AppState: AppStateStatic
  export const Platform: { OS: 'ios' | 'android' | 'macos' | 'windows' | 'web' }`,
  '@react-native-community/netinfo': `
  export interface NetInfoState {
    type: string
    isConnected: boolean | null
    isInternetReachable: boolean | null | undefined
  }
  export type NetInfoChangeHandler = (state: NetInfoState) => void
  export type NetInfoSubscription = () => void
  const NetInfo: {
    addEventListener(listener: NetInfoChangeHandler): NetInfoSubscription
    fetch(): Promise<NetInfoState>
  }
  export default NetInfo`,
}

// What a block may import, and where it comes from: the package itself (its dist/ through
// `exports`), and the peers and tools installed for the package (or the workspace root).
const LINKS = {
  'react-avatar-keepalive': PKG,
  react: join(PKG, 'node_modules', 'react'),
  'react-dom': join(PKG, 'node_modules', 'react-dom'),
  '@types/react': join(PKG, 'node_modules', '@types', 'react'),
  '@types/react-dom': join(PKG, 'node_modules', '@types', 'react-dom'),
  '@tanstack/react-query': join(PKG, 'node_modules', '@tanstack', 'react-query'),
  zustand: join(PKG, 'node_modules', 'zustand'),
  msw: join(PKG, 'node_modules', 'msw'),
  '@testing-library/react': join(PKG, 'node_modules', '@testing-library', 'react'),
  '@testing-library/dom': join(PKG, 'node_modules', '@testing-library', 'dom'),
  vitest: join(ROOT, 'node_modules', 'vitest'),
  '@types/node': join(ROOT, 'node_modules', '@types', 'node'),
}

function fail(message) {
  console.error(`readme-check: ${message}`)
  if (reportPath) writeReport({ passed: 0, failed: 1, skipped: 0 })
  process.exit(1)
}

function writeReport(counts) {
  mkdirSync(dirname(reportPath), { recursive: true })
  writeFileSync(reportPath, `${JSON.stringify(counts)}\n`)
}

/**
 * The fenced code blocks of a markdown text, with the marker comment before each.
 * @param {string} text
 */
function codeBlocks(text) {
  const lines = text.split('\n')
  const blocks = []
  const problems = []
  let pendingMarker = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const marker = MARKER.exec(line.trim())
    if (marker) {
      if (pendingMarker)
        problems.push(`${shown}:${pendingMarker.line}: marker not followed by a code block`)
      const skip = SKIP.exec(marker[1])
      if (!skip) {
        problems.push(`${shown}:${i + 1}: write the marker as <!-- readme-check: skip (reason) -->`)
        continue
      }
      pendingMarker = { line: i + 1, reason: skip[1].trim() }
      continue
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line)
    if (!fence) {
      if (line.trim() !== '' && pendingMarker) {
        problems.push(`${shown}:${pendingMarker.line}: marker not followed by a code block`)
        pendingMarker = null
      }
      continue
    }
    const [, , ticks, lang] = fence
    const body = []
    let j = i + 1
    while (
      j < lines.length &&
      !new RegExp(`^\\s*${ticks[0]}{${ticks.length},}\\s*$`).test(lines[j])
    ) {
      body.push(lines[j])
      j++
    }
    blocks.push({
      index: blocks.length + 1,
      lang: lang.toLowerCase(),
      line: i + 2, // first line of code, 1-based
      code: body.join('\n'),
      skip: pendingMarker?.reason ?? null,
      marker: pendingMarker?.line ?? null,
    })
    if (pendingMarker && !CHECKED.has(lang.toLowerCase())) {
      problems.push(
        `${shown}:${pendingMarker.line}: marker before a ${lang || 'plain'} block, which is not checked anyway`,
      )
    }
    pendingMarker = null
    i = j
  }
  if (pendingMarker)
    problems.push(`${shown}:${pendingMarker.line}: marker not followed by a code block`)
  return { blocks, problems }
}

if (!existsSync(readmePath)) fail(`${shown} not found`)
for (const file of ['dist/index.d.ts', 'dist/core.d.ts', 'dist/testing.d.ts']) {
  if (!existsSync(join(PKG, file))) {
    fail(
      `packages/react-avatar-keepalive/${file} is missing: build the package first (npm run build)`,
    )
  }
}
for (const [name, target] of Object.entries(LINKS)) {
  if (!existsSync(target))
    fail(`${relative(ROOT, target)} is missing (${name}): install the workspace first`)
}

const { blocks, problems } = codeBlocks(readFileSync(readmePath, 'utf8'))
if (problems.length > 0) fail(`malformed markers:\n  ${problems.join('\n  ')}`)
const typed = blocks.filter((block) => CHECKED.has(block.lang))
const skipped = typed.filter((block) => block.skip !== null)
const checked = typed.filter((block) => block.skip === null)
if (checked.length === 0) fail(`no ts/tsx block to check in ${shown}`)

const dir = mkdtempSync(join(realpathSync(tmpdir()), 'rak-readme-'))
try {
  const files = new Map() // path relative to dir → block
  for (const block of checked) {
    const ext = block.lang === 'tsx' ? 'tsx' : 'ts'
    const named = /^\/\/\s*([\w./[\]-]+\.(?:tsx?|mts))\b/.exec(block.code.split('\n')[0] ?? '')
    const file = named
      ? join('src', named[1])
      : join('src', '_blocks', `block-${String(block.index).padStart(2, '0')}.${ext}`)
    if (files.has(file)) fail(`two blocks name the same file: ${file} (${shown}:${block.line})`)
    files.set(file, block)
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), `${block.code}\n`)
  }
  const stubbed = Object.keys(STUBS)
  writeFileSync(
    join(dir, 'src', 'stubs.d.ts'),
    stubbed.map((name) => `declare module '${name}' {${STUBS[name]}\n}\n`).join('\n'),
  )
  for (const [name, target] of Object.entries(LINKS)) {
    const link = join(dir, 'node_modules', name)
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(target, link, 'dir')
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }, null, 2),
  )
  // Strict, as a careful app would be; `types: []` so nothing global leaks in (no vite/client, no
  // `*.css` declaration: the stylesheet's own type declaration has to do). `skipLibCheck` as apps
  // have it: checking vitest's, vite's and node's declarations too triples the time, and the
  // package's own declarations are checked in full by scripts/consumer-check.mjs.
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          module: 'ESNext',
          moduleResolution: 'bundler',
          moduleDetection: 'force',
          jsx: 'react-jsx',
          strict: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          noImplicitReturns: true,
          noFallthroughCasesInSwitch: true,
          noUncheckedSideEffectImports: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        include: ['src'],
      },
      null,
      2,
    ),
  )

  let output = ''
  try {
    execFileSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`
    if (!output.trim()) throw error
  }

  // `path(line,col): error TSxxxx: message`, continuation lines indented.
  const errors = new Map() // block → messages
  const elsewhere = []
  let last = null
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line)
    if (!match) {
      if (last && line.trim() !== '') last.push(`    ${line.trim()}`)
      continue
    }
    const [, path, row, col, code, message] = match
    const file = relative(dir, join(dir, path)).split(sep).join('/')
    const block = [...files].find(([name]) => name.split(sep).join('/') === file)?.[1]
    if (block) {
      const list = errors.get(block) ?? []
      list.push(`${shown}:${block.line + Number(row) - 1}:${col} ${code} ${message}`)
      errors.set(block, list)
      last = list
    } else {
      elsewhere.push(`${path}(${row},${col}) ${code} ${message}`)
      last = elsewhere
    }
  }
  if (output.trim() && errors.size === 0 && elsewhere.length === 0) {
    elsewhere.push(output.trim())
  }

  console.log(`readme-check: ${shown}, against the built package (TypeScript ${tscVersion()})`)
  for (const block of typed) {
    const where = `${shown}:${block.line}`.padEnd(32)
    const name = [...files].find(([, b]) => b === block)?.[0]
    const label = name ? name.replace(/^src[\\/]/, '') : ''
    const stubs = stubbed.filter((module) => new RegExp(`from '${module}'`).test(block.code))
    const note = stubs.length ? ` (stub types: ${stubs.join(', ')})` : ''
    if (block.skip !== null) console.log(`  skip  ${where} ${block.lang}: ${block.skip}`)
    else if (errors.has(block)) {
      console.log(`  FAIL  ${where} ${block.lang} ${label}${note}`)
      for (const message of errors.get(block)) console.log(`        ${message}`)
    } else console.log(`  ok    ${where} ${block.lang} ${label}${note}`)
  }
  if (elsewhere.length > 0) {
    console.log('  errors outside the blocks (the package types or their dependencies):')
    for (const message of elsewhere) console.log(`        ${message}`)
  }

  const failed = errors.size + (elsewhere.length > 0 ? 1 : 0)
  const passed = checked.length - errors.size
  console.log(
    `readme-check: ${checked.length} blocks checked, ${passed} passed, ${failed} failed, ${skipped.length} skipped`,
  )
  if (reportPath) writeReport({ passed, failed, skipped: skipped.length })
  process.exitCode = failed > 0 ? 1 : 0
} finally {
  if (keep) console.log(`readme-check: kept ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}

function tscVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8'))
    .version
}
