// `pnpm bench`: runs every measurement, prints one Markdown table and writes BENCHMARKS.md.
//   0. Builds the package (row 7 measures its dist/, as CI's size check does).
//   1. bench/rows/*: rows 1-6 in vitest (jsdom, fake clock, the mock API behind msw), 2 workers.
//   2. bench/isolated/*: rows 8 (scale, jsdom), 9 (the core in Node) and 13 (how fast the
//      guarantees are checked: random walks on the pure engine and through React), one file at a time, so
//      that nothing else competes for the CPU they count.
//   3. bench/browser: rows 3b (first request, real clock), 10 (store memory) and 11 (CPU per
//      keep-alive) in headless Chromium, on one Vite production build of the bench's pages.
//   4. Row 7: bundle sizes with esbuild (bench/bundleSize.mjs, shared with scripts/check-size.mjs).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import * as prettier from 'prettier'
import { measureFirstRequest } from './browser/measureFirstRequest.mjs'
import {
  CPU_INTERVAL,
  CPU_INTERVALS,
  CPU_SESSIONS,
  measureKeepAliveCpu,
} from './browser/measureKeepAliveCpu.mjs'
import { measureStoreMemory, STORE_SIZES } from './browser/measureStoreMemory.mjs'
import { measureTabs, TAB_COUNTS, TABS_INTERVAL } from './browser/measureTabs.mjs'
import {
  buildPackage,
  entrySizes,
  minGzipSize,
  moduleBreakdown,
  SIZE_ENTRIES,
} from './bundleSize.mjs'
import { COLUMNS, formatTable, RESULTS_DIR } from './results.mjs'

const ROOT = join(import.meta.dirname, '..')
const BUDGET = JSON.parse(readFileSync(join(ROOT, 'size-budget.json'), 'utf8')).entries
/** Row 11's goal: ours costs at most this many times the naive hook per keep-alive. */
const CPU_GOAL = 2
const started = performance.now()
const failures = []

const number = (value, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits })
const bytes = (value) => `${number(value)} B`

function vitest(filter, workers) {
  const { status } = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      join(import.meta.dirname, 'vitest.config.ts'),
      `--maxWorkers=${workers}`,
      ...(workers === 1 ? ['--no-file-parallelism'] : []),
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

const notMeasured = (row, error) => {
  failures.push(`${row.id}: ${error.message}`)
  const reason = String(error.message).split('\n')[0]
  return { ...row, values: { ours: `not measured: ${reason}` }, goal: '—', met: '—' }
}

async function storeMemoryRows() {
  const rows = STORE_SIZES.map((count, index) => ({
    id: `10${'ab'[index]}`,
    measure: `Session store memory in headless Chromium: JS heap per session, ${number(count)} sessions in one \`createAvatarSessionStore()\`, each written once (after a full GC, minus the heap before)`,
    goal: '—',
    met: '—',
  }))
  try {
    const result = await measureStoreMemory()
    if ('skipped' in result) {
      return rows.map((row) => ({ ...row, values: { ours: `not measured: ${result.skipped}` } }))
    }
    return rows.map((row, index) => {
      const count = STORE_SIZES[index]
      return {
        ...row,
        values: { ours: bytes(result.bytes[count]) },
        note:
          index === rows.length - 1
            ? `Per session, after the store is let go: ${STORE_SIZES.map((n) => `${bytes(result.released[n])} (${number(n)})`).join(', ')}.`
            : undefined,
      }
    })
  } catch (error) {
    return rows.map((row) => notMeasured(row, error))
  }
}

async function keepAliveCpuRow() {
  const row = {
    id: '11',
    measure: `CPU per keep-alive in headless Chromium (Vite production build, stub fetch): main-thread task time (of which JavaScript), ${CPU_SESSIONS} sessions with one consumer each, ${number(CPU_INTERVAL / 1000)} s interval, median of ${CPU_INTERVALS} intervals`,
    goal: `≤ ${CPU_GOAL}× naive-hook`,
  }
  try {
    const result = await measureKeepAliveCpu()
    if ('skipped' in result) {
      return { ...row, values: { ours: `not measured: ${result.skipped}` }, met: '—' }
    }
    const { results } = result
    const ratio = results.ours.task / results['naive-hook'].task
    const cell = ({ task, script }) => `${number(task)} µs (${number(script)} µs)`
    const sent = Object.entries(results)
      .map(([impl, r]) => `${impl} ${number(r.perInterval, 2)}`)
      .join(', ')
    return {
      ...row,
      values: Object.fromEntries(
        Object.entries(results)
          .filter(([impl]) => COLUMNS.includes(impl))
          .map(([impl, r]) => [impl, cell(r)]),
      ),
      // A keep-alive skipped would look cheap: ours must have kept its schedule.
      met: ratio <= CPU_GOAL && results.ours.perInterval >= 0.95 ? 'yes' : 'no',
      note: `Ours is ${number(ratio, 2)}× the naive hook in main-thread time, ${number(results.ours.script / results['naive-hook'].script, 2)}× in JavaScript. Without cross-tab coordination (\`crossTab: false\`: no Web Lock, no BroadcastChannel) ours costs ${cell(results['ours-alone'])}; the same engine on the core's plain timers instead of a TanStack Query observer (\`keepAvatarSessionAlive\`, no cross-tab) costs ${cell(results['ours-on-timers'])}, ${number(results['ours-on-timers'].task / results['naive-hook'].task, 2)}× the naive hook: the rest is TanStack Query's own work per fetch (two query updates, each rebuilding the observer's result, and its interval re-armed), which sending through \`refetchInterval\` costs. The idle page's main thread, subtracted: ${number(result.idleTask)} µs per interval. Keep-alives per session per interval while measuring: ${sent}.`,
    }
  } catch (error) {
    return notMeasured(row, error)
  }
}

async function tabRows() {
  const rows = TAB_COUNTS.map((tabs, index) => ({
    id: `12${'abc'[index]}`,
    measure: `Keep-alive requests per interval with ${tabs} tab${tabs > 1 ? 's' : ''} of one browser context keeping the same session (headless Chromium, one consumer per tab, ${number(TABS_INTERVAL / 1000)} s interval, summed over the tabs, 10 intervals)`,
    goal: '1',
  }))
  try {
    const result = await measureTabs()
    if ('skipped' in result) {
      return rows.map((row) => ({
        ...row,
        values: { ours: `not measured: ${result.skipped}` },
        met: '—',
      }))
    }
    return rows.map((row, index) => {
      const tabs = TAB_COUNTS[index]
      const values = Object.fromEntries(
        Object.entries(result.results).map(([impl, byTabs]) => [impl, number(byTabs[tabs], 1)]),
      )
      // One sender whatever the number of tabs; a rounding tick at the window's edge aside.
      const met = Math.abs(result.results.ours[tabs] - 1) <= 0.1 ? 'yes' : 'no'
      return { ...row, values, met }
    })
  } catch (error) {
    return rows.map((row) => notMeasured(row, error))
  }
}

const ENTRY_GOALS = { 'hook+badge': '7a', hook: '7b', badge: '7c' }

async function sizeRows(built) {
  const sizes = built ? await entrySizes() : null
  const sourceSizes = await entrySizes({ fromSource: true })
  const from = sizes ? 'dist/index.js' : 'src (the package build failed)'
  const ours = sizes ?? sourceSizes
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
  const rows = Object.entries(SIZE_ENTRIES).map(([name, exports]) => {
    const { gzipped } = ours[name]
    const goal = BUDGET[name].goal
    const met = gzipped <= goal ? 'yes' : 'no'
    return {
      id: ENTRY_GOALS[name],
      measure: `Bundle size, min+gzip, as an app's production build has it: \`{ ${exports.join(', ')} }\` from ${from}, peers external${name === 'hook+badge' ? " (references: the bench's own component and hook)" : ''}`,
      values: {
        ours: bytes(gzipped),
        ...(name === 'hook+badge'
          ? { 'vendor-interval': bytes(vendor.gzipped), 'naive-hook': bytes(naive.gzipped) }
          : {}),
      },
      goal: `≤ ${bytes(goal)}`,
      met,
      note:
        met === 'no'
          ? `${bytes(gzipped - goal)} over the goal. Bundled from the package's source instead (each module tree-shaken on its own), the same imports take ${bytes(sourceSizes[name].gzipped)}.`
          : undefined,
    }
  })
  rows.push(
    {
      id: '7d',
      measure: 'For scale, same settings: react-idle-timer `useIdleTimer`',
      values: { ours: `react-idle-timer: ${bytes(idleTimer.gzipped)}` },
      goal: '—',
      met: '—',
    },
    {
      id: '7e',
      measure:
        'For scale, same settings: worker-timers (`setInterval`, `clearInterval`, `setTimeout`, `clearTimeout`)',
      values: { ours: `worker-timers: ${bytes(workerTimers.gzipped)}` },
      goal: '—',
      met: '—',
    },
  )
  const breakdown = built ? await moduleBreakdown(SIZE_ENTRIES.hook) : null
  return { rows, breakdown }
}

rmSync(RESULTS_DIR, { recursive: true, force: true })
mkdirSync(RESULTS_DIR, { recursive: true })

const buildStatus = buildPackage()
if (buildStatus !== 0) failures.push(`the package build exited ${buildStatus}`)
vitest('rows/', 2)
vitest('isolated/', 1)
const realClock = await realClockRow()
const storeMemory = await storeMemoryRows()
const keepAliveCpu = await keepAliveCpuRow()
const tabs = await tabRows()
const sizes = await sizeRows(buildStatus === 0)

const rows = [realClock, ...storeMemory, keepAliveCpu, ...tabs, ...sizes.rows]
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
  ['8', 'CPU per session per interval, 1 to 1,000 sessions'],
  ['9', 'The core alone in Node, 10,000 sessions'],
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

const breakdownSection = sizes.breakdown
  ? `
## Where the hook's bytes come from

Row 7b's bundle (\`{ useAvatarKeepAlive }\` from \`dist/index.js\`, ${bytes(sizes.breakdown.minified)} minified, ${bytes(sizes.breakdown.gzipped)} min+gzip), each minified byte given to the source module that the source maps (esbuild's, chained through dist's own) trace it to; \`(unmapped)\` is the bundle's glue. Minified bytes: gzip works across modules, so its bytes cannot be split between them. \`npm run size\` prints the same.

| Module | Minified | Share |
| --- | ---: | ---: |
${sizes.breakdown.modules.map(({ path, bytes: size }) => `| \`${path}\` | ${bytes(size)} | ${number((100 * size) / sizes.breakdown.minified, 1)} % |`).join('\n')}
`
  : ''

const markdown = `# Benchmarks

Generated by \`pnpm bench\` (\`bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${machine}; the run took ${seconds} s.

${table}

- **ours**: \`useAvatarKeepAlive\` from \`react-avatar-keepalive\` (its source; row 7: its build), given a fresh \`QueryClient\` and store per measurement (row 6: the default store; row 11: its defaults); rows 9 and 10 measure its core (\`react-avatar-keepalive/core\`) alone.
- **vendor-interval**: the vendor's documented manual keep-alive, as written: a \`setInterval\` of 10 s (row 11: 1 s) in each component's \`useEffect\`, cleared on the first error. Only a rejected \`fetch\` (network error) is an error there; 4xx/5xx answers are ignored. No status. (\`bench/implementations/vendorInterval.tsx\`)
- **naive-hook**: the hook most apps write by hand: \`useEffect\` + \`setInterval\` (10 s; row 11: 1 s) + \`useState\`, \`setStatus('alive')\` and \`setLastPing(Date.now())\` after each successful ping, \`setStatus('error')\` on a failure, no retry. (\`bench/implementations/naiveHook.tsx\`)
- Met: whether **ours** meets the goal.

## How the rows are measured

- Rows 1-6 run in vitest with jsdom, React 19 (development build) through \`act\`, the package's mock API (\`createAvatarApiMock\`) behind msw \`setupServer\`, and vitest's fake clock (\`setTimeout\`, \`setInterval\`, \`Date\`, \`performance\`) advanced in steps of at most 1 s.
- 1: consumers of one session mount one by one, evenly spread over one interval; the keep-alives of the next 10 intervals are counted.
- 2: a React \`Profiler\` around the component that calls the hook counts its commits during 100 successful pings after the first one.
- 3a: fake ms from the mount to the first request reaching the mock. 3b: \`performance.now()\` at the consumer's commit (a parent's layout effect) and at its first \`fetch\` (a stub, no network), in a Vite production build in headless Chromium (\`/usr/bin/chromium\`, playwright-core), mounted 200 ms after the page loaded; one page per mount. Every implementation starts in a passive effect, which React flushes some time after the commit, hence the range.
- 4: all sessions mounted in one render, each with its own consumer and id, one \`QueryClient\` and store; the mock fails 30 % of keep-alives (seeded), evenly with 500, 503, a network error or 429 (no \`Retry-After\`), and ends a session after 30 s without a successful keep-alive. A lost session cannot come back, so a reference stops being simulated once all its sessions are lost. Fewer than 100 sessions: every keep-alive through msw costs about 2 ms of CPU here, and 100 sessions would take ours alone minutes, past the 3-minute budget of \`pnpm bench\`.
- 6: 10 consumers (10 distinct sessions) mount together and unmount together after the mount's work has settled (ours has sent its keep-alive), 1,000 times; then the clock goes past every gc time (5 min). Heap: \`process.memoryUsage().heapUsed\` after \`global.gc()\` (vitest runs the rows with \`--expose-gc\`) every 1,000 cycles, from cycle 1,000 (every session seen, code warm) on.
- 7: what an app's production build ships for three ways of importing the package, each bundled alone from a one-line entry (\`export { … } from\` the package's built \`dist/index.js\`; \`pnpm bench\` builds it first): esbuild, \`bundle\`, \`format: 'esm'\`, \`platform: 'browser'\`, \`minify\`, \`treeShaking\`, no legal comments, \`define: { 'process.env.NODE_ENV': '"production"' }\`, external react, react-dom, @tanstack/react-query, @tanstack/query-core, zustand, msw (and their subpaths); the output gzipped at level 9. The same code checks the per-entry budgets in CI (\`scripts/check-size.mjs\`, \`size-budget.json\`). The references are the bench's own files, bundled the same way.
- 8: N sessions on one page (jsdom, React 19 development build, one root, one \`QueryClient\` and store), each with its keep-alive and a status display: ours one \`useAvatarKeepAlive\` consumer (given a stub \`fetch\` in \`options.fetch\`) and one \`SessionStatusBadge\`; the naive hook and its status in a \`<span>\`; the vendor snippet (no status). The stub answers \`{"success":true}\` at once (no msw: only the implementations' own cost and React's). \`process.cpuUsage()\` (user + system) around \`act(() => clock.advance(10_000))\`, one interval, divided by N; the median over many intervals (3,000 at N = 1, down to 60 at N = 100 and 1,000), windows placed so that each holds one keep-alive per session, after a warm-up at that N and, once per implementation before any N, 300 unmeasured intervals of 10 sessions (without it the JIT is still compiling when the first N's are measured, which made N = 10 look nearly 2× dearer than it is). The clock is the bench's own (\`bench/fakeClock.ts\`: setTimeout/setInterval/Date/\`performance.now\`, timers in a binary heap, a cleared timer taken out at once as real timers are, microtasks run after each timer through one real \`setImmediate\`): vitest's fake clock scans all its timers for each one it fires, which alone measured 347 µs per session per interval at N = 1,000 (11 µs at N = 10), more than the package. (Until 2026-11-29 this clock left a cleared timer, and the callback it holds, in its heap until its time came: every timer the engine and TanStack Query clear per keep-alive then lived on through garbage collections, which at 1,000 sessions made ours look 1.82× dearer per session than at 10; taken out at once, 1.54×, before the changes of that day.) What this clock and \`act\` cost alone is in the notes.
- 9: the core without React or a DOM, in Node (vitest \`node\` environment): 10,000 sessions kept with \`keepAvatarSessionAlive\` in one \`createAvatarSessionStore({ crossTab: null })\`, each given the stub \`fetch\` and a 2 s interval, started spread over one interval. Real timers: a server runs on Node's own timers and clock, which a fake clock would replace with its own cost per timer; at 2 s the process is busy less than half the time, so keep-alives run on time (at 1 s, the shortest interval allowed, it nears saturation). CPU: \`process.cpuUsage()\` over each of 3 intervals, divided by the keep-alives sent in it; median. Heap: \`process.memoryUsage().heapUsed\` after \`global.gc()\`, minus the same before the store was made, divided by 10,000: while kept, after \`stop()\` of every handle (the store still referenced), and with the store and handles let go.
- 10: a page of the same production build creates a store and writes each session once with \`store.session(id).setState({ ...IDLE_SNAPSHOT, status: 'alive', isAlive: true, lastAliveAt, lastAttemptAt }, true)\` (what a routine keep-alive leaves), ids of 36 characters (a UUID, as the API's; the store keeps each as a key); a fresh page per N. Heap: CDP \`HeapProfiler.collectGarbage\` (twice) then \`Runtime.getHeapUsage\` \`usedSize\`, after minus before (the code has run once on 100 sessions first), over N.
- 11: a Vite production build (\`NODE_ENV=production\`, minified, React's production build) in headless Chromium; ${number(CPU_SESSIONS)} consumers of one implementation (one session each, \`interval\` ${number(CPU_INTERVAL)} ms: the references' 10 s shortened to match), mounted at once, \`window.fetch\` a stub answering \`{"success":true}\` at once; ours with its defaults (the default store, Web Locks and BroadcastChannel cross-tab coordination, its private \`QueryClient\`). CDP \`Performance.getMetrics\` on thread time (\`Performance.enable({ timeDomain: 'threadTicks' })\`): TaskDuration (all the main thread's tasks) and ScriptDuration (JavaScript), read between rounds of keep-alives for ${CPU_INTERVALS} intervals after a 2-interval warm-up; each interval's difference minus the idle page's (measured for 2 s before the mount), over the keep-alives sent in it; the median. One browser context (a renderer process) per implementation, one after another (side by side, five renderers on two cores spread the figures twice as wide).
${breakdownSection}${notes.length ? `\n## Notes\n\n${notes.map((row) => `- ${row.id}: ${row.note}`).join('\n')}\n` : ''}
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
