import { QueryClient } from '@tanstack/react-query'
import { act, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { SessionStatusBadge, useAvatarKeepAlive } from 'react-avatar-keepalive'
import { createAvatarSessionStore, type AvatarSessionStore } from 'react-avatar-keepalive/core'
import { test } from 'vitest'
import { installFakeClock } from '../fakeClock'
import {
  cells,
  formatNumber,
  INTERVAL,
  median,
  silenceConsole,
  writeResults,
  type BenchResult,
  type Column,
} from '../harness'
import { useNaiveKeepAlive } from '../implementations/naiveHook'
import { VendorIntervalConsumer } from '../implementations/vendorInterval'

// Row 8: CPU per session per interval with N sessions on one page, each with its keep-alive and a
// status display (ours: one `useAvatarKeepAlive` consumer and one `SessionStatusBadge`), a stub
// `fetch` that answers at once, React 19 in jsdom, on a fake clock (bench/fakeClock.ts: its own
// cost per timer grows with log N only, where vi.useFakeTimers' grows with N).
export const SIZES = [1, 10, 100, 1_000] as const
/** The goal: N = 1,000 costs at most this much more per session than N = 10. */
export const RATIO_GOAL = 1.5
const TOKEN = 'token-scale'

// Enough intervals for a stable median at every N: small N are cheap and noisy.
const plan = (n: number) => ({
  warmUp: Math.max(3, Math.ceil(300 / n)),
  measured: Math.max(60, Math.ceil(3_000 / n)),
})
// Before any N is measured, each implementation runs this many sessions for this many intervals,
// unmeasured, so that the JIT has compiled its code and the first N measured is not the coldest.
const WARM_UP_SESSIONS = 10
const WARM_UP_INTERVALS = 300

type Impl = Column | 'clock-only'

interface Cost {
  /** Median CPU µs per session per interval. */
  perSession: number
  /** Keep-alives sent per session per interval, over the measured intervals. */
  sentPerInterval: number
}

interface Props {
  id: string
  store: AvatarSessionStore
  queryClient: QueryClient
  fetch: typeof fetch
}

function Ours({ id, store, queryClient, fetch }: Props) {
  useAvatarKeepAlive(id, TOKEN, { queryClient, store, fetch })
  return <SessionStatusBadge sessionId={id} store={store} />
}

function Naive({ id }: Props) {
  const { status } = useNaiveKeepAlive(id, TOKEN)
  return <span role="status">{status}</span>
}

function Vendor({ id }: Props) {
  return <VendorIntervalConsumer sessionId={id} token={TOKEN} />
}

const COMPONENTS = { ours: Ours, 'naive-hook': Naive, 'vendor-interval': Vendor } as const

async function costPerSession(
  impl: Impl,
  n: number,
  { warmUp, measured } = plan(n),
): Promise<Cost> {
  const clock = installFakeClock()
  const realFetch = globalThis.fetch
  let sent = 0
  const stub = (async () => {
    sent++
    return new Response('{"success":true}')
  }) as typeof fetch
  // Ours is given the stub (`options.fetch`); the references call the global one.
  globalThis.fetch = stub
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  try {
    const store = createAvatarSessionStore()
    const queryClient = new QueryClient()
    const ids = Array.from({ length: n }, (_, i) => `scale-${i}`)
    let ui: ReactNode = null
    if (impl === 'clock-only') {
      // The harness alone: the fake clock and `act` with N idle timers of one interval.
      for (const _ of ids) setInterval(() => {}, INTERVAL)
    } else {
      const Session = COMPONENTS[impl]
      ui = ids.map((id) => (
        <Session key={id} id={id} store={store} queryClient={queryClient} fetch={stub} />
      ))
    }
    await act(async () => root.render(ui))
    // Half an interval first, so that every measured interval holds one keep-alive per session
    // (they are due in its middle), whatever a timer's rounding.
    await act(() => clock.advance(INTERVAL / 2))
    const cpu: number[] = []
    sent = 0
    for (let i = 0; i < warmUp + measured; i++) {
      if (i === warmUp) sent = 0
      const start = process.cpuUsage()
      await act(() => clock.advance(INTERVAL))
      const { user, system } = process.cpuUsage(start)
      if (i >= warmUp) cpu.push((user + system) / n)
    }
    return { perSession: median(cpu), sentPerInterval: sent / measured / n }
  } finally {
    await act(async () => root.unmount())
    container.remove()
    clock.uninstall()
    globalThis.fetch = realFetch
  }
}

silenceConsole()

test('8. CPU per session per interval with 1 to 1,000 sessions', async () => {
  const impls: Impl[] = ['ours', 'naive-hook', 'vendor-interval', 'clock-only']
  const costs = new Map<Impl, Map<number, Cost>>()
  for (const impl of impls) {
    const byN = new Map<number, Cost>()
    await costPerSession(impl, WARM_UP_SESSIONS, { warmUp: WARM_UP_INTERVALS, measured: 1 })
    for (const n of SIZES) {
      const started = performance.now()
      byN.set(n, await costPerSession(impl, n))
      if (process.env.BENCH_VERBOSE) {
        console.info(`8: ${impl} N=${n} took ${Math.round(performance.now() - started)} ms`)
      }
    }
    costs.set(impl, byN)
  }
  const columns = impls.filter((impl): impl is Column => impl !== 'clock-only')
  const byColumn = <T,>(pick: (byN: Map<number, Cost>) => T) =>
    Object.fromEntries(columns.map((impl) => [impl, pick(costs.get(impl)!)])) as Record<Column, T>
  const ratio = (byN: Map<number, Cost>) => byN.get(1_000)!.perSession / byN.get(10)!.perSession
  const ratios = byColumn(ratio)
  // A keep-alive skipped would look cheap: the goal holds only if every session sent one per interval.
  const allSent = SIZES.every((n) => costs.get('ours')!.get(n)!.sentPerInterval === 1)
  const met = ratios.ours <= RATIO_GOAL && allSent ? 'yes' : 'no'
  const letters = 'abcd'
  const rows: BenchResult[] = SIZES.map((n, index) => ({
    id: `8${letters[index]}`,
    measure: `CPU per session per interval, ${formatNumber(n)} session${n > 1 ? 's' : ''} on one page (each: the keep-alive and a status display; stub fetch; jsdom, React 19 dev build, fake clock), median of ${formatNumber(plan(n).measured)} intervals`,
    values: cells(
      byColumn((byN) => byN.get(n)!.perSession),
      (us) => `${formatNumber(us, us < 10 ? 1 : 0)} µs`,
    ),
    goal: '—',
    met: '—',
  }))
  const sent = columns
    .map((impl) => {
      const perInterval = SIZES.map((n) =>
        formatNumber(costs.get(impl)!.get(n)!.sentPerInterval, 2),
      )
      return `${impl} ${perInterval.join(' / ')}`
    })
    .join('; ')
  const clockOnly = costs.get('clock-only')!
  rows.push({
    id: '8e',
    measure: 'Ratio of row 8d to row 8b: the cost per session at 1,000 sessions over that at 10',
    values: cells(ratios, (value) => `${formatNumber(value, 2)}×`),
    goal: `≤ ${RATIO_GOAL}×`,
    met,
    note: `Keep-alives per session per measured interval (N = ${SIZES.join(' / ')}): ${sent}. The harness alone (fake clock and \`act\`, N idle timers of one interval) cost ${SIZES.map((n) => `${formatNumber(clockOnly.get(n)!.perSession, 1)}`).join(' / ')} µs per session per interval; it is included in every cell.`,
  })
  writeResults('8-scale', rows)
}, 600_000)
