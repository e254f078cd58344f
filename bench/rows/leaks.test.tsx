import { avatarSessionStore } from 'react-avatar-keepalive/core'
import { test, vi } from 'vitest'
import {
  advance,
  cells,
  consumersUi,
  forEachImplementation,
  formatNumber,
  oursContext,
  sessionMap,
  sessions,
  silenceConsole,
  withMockApi,
  writeResults,
  type BenchResult,
} from '../harness'
import type { ImplementationName } from '../implementations'

const CYCLES = 10_000
const DISTINCT_SESSIONS = 1_000
// Consumers mounted (and then unmounted) together in one commit: 10 distinct sessions at a time.
const BATCH = 10
// The heap is read after a full GC every CHECKPOINT cycles; the first reading, once every session
// has been seen and the code is warm, is the baseline.
const CHECKPOINT = 1_000
// Past every gc time in play: ours uses 0, react-query's default is 5 minutes.
const PAST_GC_TIME = 5 * 60_000 + 1
// A query, closure or listener kept per cycle is hundreds of bytes at least; GC noise stays below
// this (a 30,000-cycle run of ours gave −76 B/cycle, 10,000-cycle runs −10 to +90).
const HEAP_TREND_LIMIT = 250

interface Leaks {
  timers: number
  cachedQueries: number | null
  storeEntries: number | null
  /** Bytes from the baseline to the end, or null without --expose-gc. */
  heapGrowth: number | null
  /** Least-squares slope of the heap over the checkpoints, in bytes per cycle. */
  heapTrend: number | null
}

const heapUsed = (): number | null => {
  if (typeof globalThis.gc !== 'function') return null
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0)
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0)
  return sxy / sxx
}

// Each cycle mounts a consumer, lets it run its mount-time work (ours sends its keep-alive), and
// unmounts it. Ours uses a QueryClient it is given, so that its cache can be read, and the
// default store. All sessions share one token: the mock redacts every token it knows from each
// logged URL, which would make it slower with every session added.
function leaks(impl: ImplementationName): Promise<Leaks> {
  const list = sessions(DISTINCT_SESSIONS).map((s) => ({ ...s, token: 'token-shared' }))
  return withMockApi({ sessions: sessionMap(list) }, async (api, root) => {
    const { queryClient } = oursContext()
    avatarSessionStore.clearAll()
    const context = { queryClient, store: undefined }
    const heap: [number, number][] = []
    for (let cycle = 0; cycle < CYCLES; cycle += BATCH) {
      const batch = Array.from({ length: BATCH }, (_, i) => ({
        ...list[(cycle + i) % DISTINCT_SESSIONS]!,
        key: cycle + i,
      }))
      await root.render(consumersUi(impl, batch, context))
      await advance(0)
      await root.render(null)
      await advance(0)
      api.clearRequests()
      const done = cycle + BATCH
      if (done % CHECKPOINT === 0 && done < CYCLES) {
        const used = heapUsed()
        if (used !== null) heap.push([done, used])
      }
    }
    await advance(PAST_GC_TIME)
    const used = heapUsed()
    if (used !== null) heap.push([CYCLES, used])
    return {
      timers: vi.getTimerCount(),
      cachedQueries: impl === 'ours' ? queryClient.getQueryCache().getAll().length : null,
      storeEntries:
        impl === 'ours' ? Object.keys(avatarSessionStore.getState().sessions).length : null,
      heapGrowth: heap.length < 2 ? null : heap.at(-1)![1] - heap[0]![1],
      heapTrend: heap.length < 2 ? null : slope(heap),
    }
  })
}

const signed = (value: number, text: string) => `${value < 0 ? '−' : '+'}${text}`

const heapCell = ({ heapGrowth, heapTrend }: Leaks) =>
  heapGrowth === null || heapTrend === null
    ? 'not measured'
    : `${signed(heapGrowth, `${formatNumber(Math.abs(heapGrowth) / 2 ** 20, 2)} MB`)} (${signed(heapTrend, `${formatNumber(Math.abs(heapTrend))} B`)}/cycle)`

silenceConsole()

test('6. 10,000 mount/unmount cycles over 1,000 sessions', async () => {
  const results = await forEachImplementation(leaks)
  const ours = results.ours!
  const scope = `after ${formatNumber(CYCLES)} mount/unmount cycles over ${formatNumber(DISTINCT_SESSIONS)} sessions`
  const rows: BenchResult[] = [
    {
      id: '6a',
      measure: `Timers still scheduled ${scope} (\`vi.getTimerCount()\`)`,
      values: cells(results, (r) => formatNumber(r.timers)),
      goal: '0',
      met: ours.timers === 0 ? 'yes' : 'no',
    },
    {
      id: '6b',
      measure: `Queries still cached past their gc time ${scope}`,
      values: cells(results, (r) =>
        r.cachedQueries === null ? '—' : formatNumber(r.cachedQueries),
      ),
      goal: '0',
      met: ours.cachedQueries === 0 ? 'yes' : 'no',
    },
    {
      id: '6c',
      measure: `Entries left in the default session store ${scope}`,
      values: cells(results, (r) => (r.storeEntries === null ? '—' : formatNumber(r.storeEntries))),
      goal: `bounded: ≤ 1 per session (${formatNumber(DISTINCT_SESSIONS)})`,
      met: ours.storeEntries !== null && ours.storeEntries <= DISTINCT_SESSIONS ? 'yes' : 'no',
    },
    {
      id: '6d',
      measure: `Heap growth from cycle ${formatNumber(CHECKPOINT)} to ${formatNumber(CYCLES)}, after a full GC (trend: least-squares slope over ${formatNumber(CYCLES / CHECKPOINT)} readings)`,
      values: cells(results, heapCell),
      goal: `bounded: trend < ${HEAP_TREND_LIMIT} B/cycle`,
      met: ours.heapTrend === null ? '—' : ours.heapTrend < HEAP_TREND_LIMIT ? 'yes' : 'no',
      note:
        ours.heapTrend === null
          ? 'Heap not measured: `global.gc` is missing (bench/vitest.config.ts passes --expose-gc).'
          : undefined,
    },
  ]
  writeResults('6-leaks', rows)
})
