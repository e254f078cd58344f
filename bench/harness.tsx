import { QueryClient } from '@tanstack/react-query'
import { setupServer } from 'msw/node'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { act, Profiler, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { createAvatarSessionStore } from 'react-avatar-keepalive/core'
import {
  createAvatarApiMock,
  type AvatarApiMock,
  type AvatarApiMockOptions,
} from 'react-avatar-keepalive/testing'
import { afterAll, expect, vi } from 'vitest'
import {
  IMPLEMENTATION_NAMES,
  IMPLEMENTATIONS,
  type ConsumerProps,
  type ImplementationName,
} from './implementations'
import { RESULTS_DIR } from './results.mjs'

export const INTERVAL = 10_000

export type Column = ImplementationName

/** One line of the table (see results.mjs). */
export interface BenchResult {
  id: string
  measure: string
  values: Partial<Record<Column, string>>
  goal: string
  met: 'yes' | 'no' | '—'
  note?: string
}

/** Runs `measure` once per implementation, in table order. */
export async function forEachImplementation<T>(
  measure: (impl: ImplementationName) => Promise<T>,
  implementations: readonly ImplementationName[] = IMPLEMENTATION_NAMES,
): Promise<Partial<Record<ImplementationName, T>>> {
  const results: Partial<Record<ImplementationName, T>> = {}
  for (const impl of implementations) {
    const start = performance.now()
    results[impl] = await measure(impl)
    if (process.env.BENCH_VERBOSE) {
      console.info(
        `${expect.getState().currentTestName}: ${impl} took ${Math.round(performance.now() - start)} ms`,
      )
    }
  }
  return results
}

// React commits what an `act` scope queued when the scope ends, so long spans are cut into steps
// (as a browser would render between tasks).
const ACT_STEP = 1_000

/**
 * Advances fake time inside `act`, at most one second per `act`, letting msw, react-query and
 * React settle.
 */
export async function advance(ms: number): Promise<void> {
  let left = ms
  do {
    const step = Math.min(left, ACT_STEP)
    await act(() => vi.advanceTimersByTimeAsync(step))
    left -= step
  } while (left > 0)
}

/** A React root of its own, driven through `act`. */
function mountRoot() {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  return {
    // Async act: the work a commit defers to a microtask (ours marks a session stopped in one)
    // belongs to the commit.
    render: (node: ReactNode) => act(async () => root.render(node)),
    unmount: async () => {
      await act(() => root.unmount())
      container.remove()
    },
  }
}

type Root = ReturnType<typeof mountRoot>

/**
 * One measurement: installs the fake clock react-query and msw work with (promises and
 * setImmediate stay real), starts the mock avatar API behind msw and mounts a root of its own,
 * then runs `measure`. Whatever happens, the root is unmounted, the API closed and the real
 * timers are back afterwards.
 */
export async function withMockApi<T>(
  options: AvatarApiMockOptions,
  measure: (api: AvatarApiMock, root: Root) => Promise<T>,
): Promise<T> {
  // `performance` too: the keep-alive measures its schedule on `performance.now()`.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  })
  const api = createAvatarApiMock(options)
  const server = setupServer(...api.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const root = mountRoot()
  try {
    return await measure(api, root)
  } finally {
    await root.unmount()
    server.close()
    vi.useRealTimers()
  }
}

export interface Session {
  sessionId: string
  token: string
}

export function sessions(count: number, prefix = 'session'): Session[] {
  return Array.from({ length: count }, (_, i) => ({
    sessionId: `${prefix}-${i}`,
    token: `token-${prefix}-${i}`,
  }))
}

export const sessionMap = (list: Session[]): Record<string, string> =>
  Object.fromEntries(list.map((s) => [s.sessionId, s.token]))

/** Fresh QueryClient and store for ours, so measurements do not share state. */
export function oursContext() {
  return { queryClient: new QueryClient(), store: createAvatarSessionStore() }
}

/**
 * Renders `consumers` (one element per consumer: implementation, session, key), each inside its
 * own Profiler that counts the commits in which that consumer rendered.
 */
export function consumersUi(
  impl: ImplementationName,
  consumers: readonly (Session & { key: string | number })[],
  context: Pick<ConsumerProps, 'queryClient' | 'store'>,
  onRender?: () => void,
): ReactNode {
  const Consumer = IMPLEMENTATIONS[impl]
  return consumers.map(({ key, ...session }) => (
    <Profiler key={key} id={String(key)} onRender={() => onRender?.()}>
      <Consumer {...session} {...context} />
    </Profiler>
  ))
}

/**
 * Keeps the vendor snippet's logging ('Keep-alive sent', 'Keep-alive failed:') out of the output;
 * every other error still shows. Plain replacements, not spies: a spy would keep every call.
 */
export function silenceConsole(): void {
  const { log, error } = console
  console.log = () => {}
  console.error = (...args: unknown[]) => {
    if (args[0] !== 'Keep-alive failed:') error(...args)
  }
  afterAll(() => {
    console.log = log
    console.error = error
  })
}

/** Writes one file of rows for bench/run.mjs to put in the table. */
export function writeResults(file: string, results: BenchResult[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, `${file}.json`), `${JSON.stringify(results, null, 2)}\n`)
}

/** The cells of one table line: each implementation's result, formatted. */
export const cells = <T,>(
  results: Partial<Record<Column, T>>,
  format: (result: T) => string,
): Partial<Record<Column, string>> =>
  Object.fromEntries(Object.entries(results).map(([impl, result]) => [impl, format(result)]))

/** A number for the table: thousands separated, at most `digits` decimals. */
export const formatNumber = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits })

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
