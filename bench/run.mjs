// `pnpm bench`: runs every measurement, prints one Markdown table and writes BENCHMARKS.md.
//   1. bench/rows/*: rows 1-6 in vitest (jsdom, fake clock, the mock API behind msw), 2 workers.
//   2. bench/browser: row 3's real-clock sub-row in headless Chromium.
//   3. bench/isolated/*: row 8 (CPU per ping) alone, so nothing else competes for the CPU.
//   4. Row 7: bundle sizes with esbuild (bench/bundleSize.mjs, shared with scripts/check-size.mjs).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import * as prettier from 'prettier'
import { measureFirstRequest } from './browser/measureFirstRequest.mjs'
import { MEASURED_EXPORTS, minGzipSize, packageSize } from './bundleSize.mjs'
import { formatTable, RESULTS_DIR } from './results.mjs'

const ROOT = join(import.meta.dirname, '..')
const SIZE_GOAL = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8')).goal
const started = performance.now()
const failures = []

const number = (value, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits })
const bytes = (value) => `${number(value)} B`

function vitest(filter) {
  const { status } = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      join(import.meta.dirname, 'vitest.config.ts'),
      '--maxWorkers=2',
      filter,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
  if (status !== 0) failures.push(`vitest ${filter} exited ${status}`)
}

async function realClockRow() {
  const row = {
    id: '3b',
    measure: 'Time from mount to first request, real clock (headless Chromium)',
  }
  try {
    const result = await measureFirstRequest()
    if ('skipped' in result) {
      return { ...row, values: { ours: `not measured: ${result.skipped}` }, goal: '—', met: '—' }
    }
    const values = Object.fromEntries(
      Object.entries(result.ms).map(([impl, ms]) => [impl, `${number(ms, 1)} ms`]),
    )
    const [min, max] = result.rangeOurs.map((ms) => number(ms, 1))
    values.ours += ` (${min}–${max})`
    return {
      ...row,
      measure: `${row.measure}; ours: median (range) of ${result.runsOurs} mounts`,
      values,
      goal: '—',
      met: '—',
    }
  } catch (error) {
    failures.push(`real clock: ${error.message}`)
    const reason = String(error.message).split('\n')[0]
    return { ...row, values: { ours: `not measured: ${reason}` }, goal: '—', met: '—' }
  }
}

async function sizeRows() {
  const ours = await packageSize({ fallbackToSource: true })
  const [hook, badge] = await Promise.all(
    MEASURED_EXPORTS.map((name) =>
      minGzipSize({
        exports: [name],
        from: join(ROOT, 'packages/react-avatar-keepalive/src/index.ts'),
      }),
    ),
  )
  const reference = (name, file) =>
    minGzipSize({ exports: [name], from: join(import.meta.dirname, 'implementations', file) })
  const [vendor, naive, idleTimer, workerTimers] = await Promise.all([
    reference('VendorIntervalConsumer', 'vendorInterval.tsx'),
    reference('useNaiveKeepAlive', 'naiveHook.tsx'),
    minGzipSize({ exports: ['useIdleTimer'], from: 'react-idle-timer' }),
    minGzipSize({
      exports: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
      from: 'worker-timers',
    }),
  ])
  const met = ours.gzipped <= SIZE_GOAL ? 'yes' : 'no'
  return [
    {
      id: '7a',
      measure: `Bundle size, min+gzip: \`{ ${MEASURED_EXPORTS.join(', ')} }\` from ${ours.from === 'dist' ? 'dist/index.js' : 'src (dist not built)'}, peers external (references: the bench's own component and hook)`,
      values: {
        ours: bytes(ours.gzipped),
        'vendor-interval': bytes(vendor.gzipped),
        'naive-hook': bytes(naive.gzipped),
      },
      goal: `≤ ${bytes(SIZE_GOAL)}`,
      met,
      note:
        met === 'no'
          ? `${bytes(ours.gzipped)} is ${bytes(ours.gzipped - SIZE_GOAL)} over the goal; from source, the hook alone is ${bytes(hook.gzipped)} and the badge alone ${bytes(badge.gzipped)}.`
          : undefined,
    },
    {
      id: '7b',
      measure: 'For scale, same settings: react-idle-timer `useIdleTimer`',
      values: { ours: `react-idle-timer: ${bytes(idleTimer.gzipped)}` },
      goal: '—',
      met: '—',
    },
    {
      id: '7c',
      measure:
        'For scale, same settings: worker-timers (`setInterval`, `clearInterval`, `setTimeout`, `clearTimeout`)',
      values: { ours: `worker-timers: ${bytes(workerTimers.gzipped)}` },
      goal: '—',
      met: '—',
    },
  ]
}

rmSync(RESULTS_DIR, { recursive: true, force: true })
mkdirSync(RESULTS_DIR, { recursive: true })

vitest('rows/')
const realClock = await realClockRow()
vitest('isolated/')
const sizes = await sizeRows()

const rows = [realClock, ...sizes]
for (const file of readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json'))) {
  rows.push(...JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')))
}
for (const [id, measure] of [
  ['1', 'Requests per interval'],
  ['2', 'Re-renders per routine ping'],
  ['3a', 'Time from mount to first request, fake clock'],
  ['4', 'Session survival'],
  ['5', 'Requests after a 410'],
  ['6', 'Mount/unmount cycles'],
  ['8', 'CPU time per ping'],
]) {
  if (!rows.some((row) => row.id.startsWith(id))) {
    rows.push({
      id,
      measure,
      values: { ours: 'not measured: its vitest run failed' },
      goal: '—',
      met: 'no',
    })
  }
}

const seconds = Math.round((performance.now() - started) / 1000)
const cpus = os.cpus()
const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${number(os.totalmem() / 2 ** 30, 1)} GiB RAM`
const table = formatTable(rows)
const unmet = rows
  .filter((row) => row.met === 'no')
  .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
const notes = rows
  .filter((row) => row.note)
  .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))

const markdown = `# Benchmarks

Generated by \`pnpm bench\` (\`bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${machine}; the run took ${seconds} s.

${table}

- **ours**: \`useAvatarKeepAlive\` from \`react-avatar-keepalive\` (its source), given a fresh \`QueryClient\` and store per measurement (row 6: the default store).
- **vendor-interval**: the vendor's documented manual keep-alive, as written: a \`setInterval\` of 10 s in each component's \`useEffect\`, cleared on the first error. Only a rejected \`fetch\` (network error) is an error there; 4xx/5xx answers are ignored. No status. (\`bench/implementations/vendorInterval.tsx\`)
- **naive-hook**: the hook most apps write by hand: \`useEffect\` + \`setInterval\` + \`useState\`, \`setStatus('alive')\` and \`setLastPing(Date.now())\` after each successful ping, \`setStatus('error')\` on a failure, no retry. (\`bench/implementations/naiveHook.tsx\`)
- Met: whether **ours** meets the goal.

## How the rows are measured

- Rows 1-6 and 8 run in vitest with jsdom, React 19 (development build) through \`act\`, the package's mock API (\`createAvatarApiMock\`) behind msw \`setupServer\`, and a fake clock (\`setTimeout\`, \`setInterval\`, \`Date\`) advanced in steps of at most 1 s.
- 1: consumers of one session mount one by one, evenly spread over one interval; the keep-alives of the next 10 intervals are counted.
- 2: a React \`Profiler\` around the component that calls the hook counts its commits during 100 successful pings after the first one.
- 3a: fake ms from the mount to the first request reaching the mock. 3b: \`performance.now()\` at the consumer's commit (a parent's layout effect) and at its first \`fetch\` (a stub, no network), in a Vite production build in headless Chromium (\`/usr/bin/chromium\`, playwright-core), mounted 200 ms after the page loaded; one page per mount. Every implementation starts in a passive effect, which React flushes some time after the commit: for ours that wait varied from ~3 to ~130 ms between mounts, hence the range (the fetch itself follows the effects by ~4 ms).
- 4: all sessions mounted in one render, each with its own consumer and id, one \`QueryClient\` and store; the mock fails 30 % of keep-alives (seeded), evenly with 500, 503, a network error or 429 (no \`Retry-After\`), and ends a session after 30 s without a successful keep-alive. A lost session cannot come back, so a reference stops being simulated once all its sessions are lost. Fewer than 100 sessions: every keep-alive through msw costs about 2 ms of CPU here, and 100 sessions would take ours alone 4 to 6 minutes, past the 3-minute budget of \`pnpm bench\`.
- 6: 10 consumers (10 distinct sessions) mount together and unmount together after the mount's work has settled (ours has sent its keep-alive), 1,000 times; then the clock goes past every gc time (5 min). Heap: \`process.memoryUsage().heapUsed\` after \`global.gc()\` (vitest runs the rows with \`--expose-gc\`) every 1,000 cycles, from cycle 1,000 (every session seen, code warm) on.
- 7: esbuild, \`bundle\`, \`format: 'esm'\`, \`platform: 'browser'\`, \`minify\`, \`treeShaking\`, no legal comments, \`NODE_ENV=production\`, external react, react-dom, @tanstack/react-query, @tanstack/query-core, zustand, msw (and their subpaths); the output gzipped at level 9. The same code checks the budget in CI (\`scripts/check-size.mjs\`, \`size-budget.json\`).
- 8: \`process.cpuUsage()\` (user + system) and \`performance.now()\` around one \`act(() => vi.advanceTimersByTimeAsync(10_000))\` per ping: the timer, the request through msw and the mock, the state update and its notifications; 50 pings of warm-up, then the median of 1,000. Run alone, after everything else.
${notes.length ? `\n## Notes\n\n${notes.map((row) => `- ${row.id}: ${row.note}`).join('\n')}\n` : ''}
## Goals not met

${unmet.length ? unmet.map((row) => `- ${row.id} (${row.measure}): ${row.values.ours ?? '—'} against ${row.goal}.${row.note ? ` ${row.note}` : ''}`).join('\n') : 'None.'}
`

// Formatted as `prettier --check .` (CI) expects it.
const benchmarksFile = join(ROOT, 'BENCHMARKS.md')
const prettierOptions = await prettier.resolveConfig(benchmarksFile)
writeFileSync(
  benchmarksFile,
  await prettier.format(markdown, { ...prettierOptions, filepath: benchmarksFile }),
)
console.log(`\n${table}\n`)
console.log(`Written to BENCHMARKS.md (${seconds} s).`)
if (failures.length) {
  console.error(`Some measurements failed:\n- ${failures.join('\n- ')}`)
  process.exitCode = 1
}
