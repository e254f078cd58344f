/** @vitest-environment node */
import {
  createAvatarSessionStore,
  keepAvatarSessionAlive,
  type AvatarSessionStore,
  MIN_KEEP_ALIVE_GAP,
  type KeepAliveHandle,
} from 'react-avatar-keepalive/core'
import { expect, test } from 'vitest'
import { formatNumber, median, writeResults, type BenchResult } from '../harness'

// Row 9: the core alone in Node (no React, no DOM): 10,000 sessions kept with
// `keepAvatarSessionAlive`, a stub `fetch` that answers at once.
//
// Real timers, with a short interval (2 s): the timers a server runs on are Node's own (one list
// per duration, O(1) to arm), and so is the clock the engine reads (`performance.now()`). A fake
// clock would add its own cost per timer to every keep-alive, and vi.useFakeTimers' grows with the
// number of timers (it scans them all for each one it fires). The sessions start spread over one
// interval, as a server's would, so their keep-alives stay spread; at 2 s the process is busy less
// than half the time, so timers fire on time (at 1 s, the shortest interval, it is near saturation
// and keep-alives run late). The CPU is the whole process's (`process.cpuUsage()`: user + system,
// GC included) over whole intervals, divided by the keep-alives sent in them.
export const SESSIONS = 10_000
const INTERVAL = 2 * MIN_KEEP_ALIVE_GAP
// Starts spread over one interval, in this many steps.
const START_STEPS = 50
const WARM_UP = 1
const WINDOWS = 5
/** What may stay per session once every session is stopped and cleared, as a share of what a kept one takes. */
const STOPPED_SHARE = 0.1

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function heapUsed(): number {
  const gc = globalThis.gc
  if (typeof gc !== 'function') throw new Error('run with --expose-gc (bench/vitest.config.ts)')
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

let sent = 0
const stub = (async () => {
  sent++
  return new Response('{"success":true}')
}) as typeof fetch

// What the stub costs alone (building the Response, reading its body), for scale.
async function stubCost(): Promise<number> {
  const calls = 10_000
  const start = process.cpuUsage()
  for (let i = 0; i < calls; i++) await (await stub('')).text()
  const { user, system } = process.cpuUsage(start)
  sent = 0
  return (user + system) / calls
}

interface Core {
  cpu: number[]
  stub: number
  sentPerInterval: number
  kept: number
  stopped: number
  cleared: number
  dropped: number
}

const log = (what: string) => {
  if (process.env.BENCH_VERBOSE) console.info(`9: ${what}`)
}

// Keeps SESSIONS sessions alive, measures, stops them all; the store and handles are unreachable
// once it returns.
async function keepAll(baseline: number): Promise<Omit<Core, 'stub' | 'dropped'>> {
  const store: AvatarSessionStore = createAvatarSessionStore({ crossTab: null })
  const handles: KeepAliveHandle[] = []
  for (let step = 0; step < START_STEPS; step++) {
    for (let i = 0; i < SESSIONS / START_STEPS; i++) {
      handles.push(
        keepAvatarSessionAlive(`core-${handles.length}`, 'token-core', {
          store,
          fetch: stub,
          interval: INTERVAL,
        }),
      )
    }
    await sleep(INTERVAL / START_STEPS)
  }
  log('started')
  await sleep(WARM_UP * INTERVAL)
  const cpu: number[] = []
  let measuredSent = 0
  for (let w = 0; w < WINDOWS; w++) {
    sent = 0
    const start = process.cpuUsage()
    await sleep(INTERVAL)
    const { user, system } = process.cpuUsage(start)
    cpu.push((user + system) / sent)
    measuredSent += sent
  }
  log('measured')
  const kept = (heapUsed() - baseline) / SESSIONS
  expect(store.get('core-0').status).toBe('alive')
  handles.forEach((handle) => handle.stop())
  // As a server would: the handles go, and the keepers with them; a second lets the last ones'
  // 1 s ceilings (what a stopped session leaves behind) run out.
  handles.length = 0
  await sleep(1_100)
  const stopped = (heapUsed() - baseline) / SESSIONS
  expect(store.get('core-0').status).toBe('stopped')
  // A server forgets the sessions it stopped: clearSession frees what nothing subscribes to.
  store.clearAll()
  const cleared = (heapUsed() - baseline) / SESSIONS
  expect(store.get('core-0').status).toBe('idle')
  return { cpu, sentPerInterval: measuredSent / WINDOWS / SESSIONS, kept, stopped, cleared }
}

async function measure(): Promise<Core> {
  const stubAlone = await stubCost()
  const baseline = heapUsed()
  const kept = await keepAll(baseline)
  await sleep(50)
  const dropped = (heapUsed() - baseline) / SESSIONS
  log('done')
  return { ...kept, stub: stubAlone, dropped }
}

const bytes = (value: number) => `${value < 0 ? '−' : ''}${formatNumber(Math.abs(value))} B`

test('9. the core alone in Node: 10,000 sessions', async () => {
  const core = await measure()
  const sorted = [...core.cpu].sort((a, b) => a - b)
  const sessions = formatNumber(SESSIONS)
  const rows: BenchResult[] = [
    {
      id: '9a',
      measure: `Core in Node (\`keepAvatarSessionAlive\`, no React): CPU per keep-alive with ${sessions} sessions kept, stub fetch, real timers, ${INTERVAL / 1000} s interval; median (range) of ${WINDOWS} intervals`,
      values: {
        ours: `${formatNumber(median(core.cpu), 1)} µs (${formatNumber(sorted[0]!, 1)}–${formatNumber(sorted.at(-1)!, 1)})`,
      },
      goal: '—',
      met: '—',
      note: `The stub alone (a \`Response\` built and its body read) costs ${formatNumber(core.stub, 1)} µs of that. Keep-alives per session per interval while measuring: ${formatNumber(core.sentPerInterval, 2)}.`,
    },
    {
      id: '9b',
      measure: `Core in Node: heap per session with ${sessions} sessions kept (after a full GC, minus the heap before the store was created)`,
      values: { ours: bytes(core.kept) },
      goal: '—',
      met: '—',
    },
    {
      id: '9c',
      measure: `Core in Node: heap per session left after \`stop()\` of all ${sessions} and \`store.clearAll()\` (handles dropped, the store still referenced)`,
      values: { ours: bytes(core.cleared) },
      goal: `near 0 (< ${STOPPED_SHARE * 100} % of 9b)`,
      met: core.cleared < STOPPED_SHARE * core.kept ? 'yes' : 'no',
      note: `After \`stop()\` alone, each session's stopped snapshot stays (so that a badge can still say why): ${bytes(core.stopped)} per session. With the store let go as well: ${bytes(core.dropped)} per session.`,
    },
  ]
  writeResults('9-core', rows)
}, 120_000)
