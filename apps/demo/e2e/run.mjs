#!/usr/bin/env node
// Runs the demo's browser suites in each engine (BROWSERS=chromium,firefox,webkit; default all) and
// writes what CI and the README need:
//   e2e/results.tap       TAP of phase 1, e2e/results-tabs.tap TAP of phase 2 (scripts/ci-summary.mjs)
//   e2e/matrix.json       the compatibility figures per engine (also printed as a Markdown table)
//
// Phase 1 runs two files at a time: the hidden-tab test (its engines at once: it is mostly
// waiting) beside the stories, whose checks have room for a busy machine, then a session kept from
// a sandboxed iframe (sandboxed.test.mjs) and keep-alives answered with redirects
// (redirects.test.mjs), a prerendered page (prerender.test.mjs) and a slow onStatusChange
// (slow-callback.test.mjs), then the close-delivery
// count once the hidden tabs are done (Firefox's budget for background timers is spent faster on
// a busy machine, and the hidden keep-alives are timed to ~1 s), and the back/forward cache
// (bfcache.test.mjs: its bounds are whole intervals), and the harness's retry of a test whose
// browser was lost (lost-browser.test.mjs). Phase 2 runs the two-tab tests alone: they
// time takeovers to within 20 ms.
//
//   node e2e/run.mjs            (from apps/demo, after `vite build`)
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ALL_ENGINES, ENGINES } from './browsers.mjs'
import { FIGURES_FILE } from './harness.mjs'

const e2e = dirname(fileURLToPath(import.meta.url))
const MATRIX_FILE = join(e2e, 'matrix.json')

const PHASES = [
  {
    report: 'results.tap',
    files: [
      'hidden-tab.test.mjs',
      'stories.test.mjs',
      'sandboxed.test.mjs',
      'redirects.test.mjs',
      'prerender.test.mjs',
      'slow-callback.test.mjs',
      'close-delivery.test.mjs',
      'bfcache.test.mjs',
      'lost-browser.test.mjs',
    ],
    concurrency: 2,
  },
  { report: 'results-tabs.tap', files: ['tabs.test.mjs'], concurrency: 1 },
]

function runPhase({ report, files, concurrency }) {
  rmSync(join(e2e, report), { force: true })
  const args = [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${join(e2e, report)}`,
    ...files.map((file) => join(e2e, file)),
  ]
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' })
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

/** matrix.json: `{ engines, figures: { [engine]: { [key]: { value, text } } } }`. */
function writeMatrix() {
  const figures = {}
  if (existsSync(FIGURES_FILE)) {
    for (const line of readFileSync(FIGURES_FILE, 'utf8').split('\n').filter(Boolean)) {
      const { engine, key, value, text } = JSON.parse(line)
      ;(figures[engine] ??= {})[key] = { value, text }
    }
  }
  const matrix = { generatedAt: new Date().toISOString(), engines: ENGINES, figures }
  writeFileSync(MATRIX_FILE, `${JSON.stringify(matrix, null, 2)}\n`)
  const keys = [...new Set(Object.values(figures).flatMap((byKey) => Object.keys(byKey)))].sort()
  const engines = ALL_ENGINES.filter((engine) => figures[engine])
  console.log(`\nCompatibility figures (${MATRIX_FILE}):\n`)
  console.log(`| figure | ${engines.join(' | ')} |`)
  console.log(`| --- | ${engines.map(() => '---').join(' | ')} |`)
  for (const key of keys) {
    const cells = engines.map((engine) => {
      const value = figures[engine][key]?.value
      return value === undefined ? '—' : typeof value === 'object' ? JSON.stringify(value) : value
    })
    console.log(`| ${key} | ${cells.join(' | ')} |`)
  }
}

rmSync(FIGURES_FILE, { force: true })
const started = Date.now()
let status = 0
for (const phase of PHASES) {
  const phaseStart = Date.now()
  const code = await runPhase(phase)
  console.log(
    `\n${phase.files.join(', ')}: exit ${code} in ${Math.round((Date.now() - phaseStart) / 1000)} s`,
  )
  if (code !== 0) status = code
}
writeMatrix()
console.log(
  `\nbrowser suites (${ENGINES.join(', ')}): ${Math.round((Date.now() - started) / 1000)} s`,
)
process.exitCode = status
