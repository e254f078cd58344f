import { test, vi } from 'vitest'
import {
  advance,
  consumersUi,
  forEachImplementation,
  formatNumber,
  INTERVAL,
  mountRoot,
  oursContext,
  sessionMap,
  sessions,
  silenceConsole,
  startApi,
  installFakeClock,
  writeResults,
} from '../harness'
import type { ImplementationName } from '../implementations'

// 100 sessions would take about 6 minutes of this machine's time for ours alone (each keep-alive
// through msw costs ~3 ms of CPU here), far past the 3-minute budget of `pnpm bench`.
export const SESSIONS = 20
const INTERVALS = 1_000
const FAILURE_RATE = 0.3
const SEED = 6

interface Survival {
  lost: number
  requests: number
  /** Intervals simulated: fewer than INTERVALS once every session is lost (it cannot come back). */
  intervals: number
}

// SESSIONS sessions, each kept alive by one consumer, all in one render; 30 % of keep-alives fail
// (500, 503, network error or 429, evenly) and the mock ends a session after 30 s without success.
async function survival(impl: ImplementationName): Promise<Survival> {
  installFakeClock()
  const list = sessions(SESSIONS)
  const { api, close } = startApi({
    sessions: sessionMap(list),
    failureRate: FAILURE_RATE,
    seed: SEED,
    failureAnswers: [500, 503, 'network-error', 429],
  })
  const root = mountRoot()
  const lost = () => list.filter((s) => api.isEnded(s.sessionId)).length
  let requests = 0
  let intervals = 0
  try {
    await root.render(
      consumersUi(
        impl,
        list.map((s) => ({ ...s, key: s.sessionId })),
        oursContext(),
      ),
    )
    while (intervals < INTERVALS) {
      await advance(INTERVAL)
      intervals++
      requests += api.count()
      api.clearRequests()
      if (intervals % 10 === 0 && lost() === SESSIONS) break
    }
    return { lost: lost(), requests, intervals }
  } finally {
    await root.unmount()
    close()
    vi.useRealTimers()
  }
}

silenceConsole()

test('4. session survival with 30 % transient failures', async () => {
  const results = await forEachImplementation(survival)
  const cell = ({ lost, intervals }: Survival) =>
    `${formatNumber(lost)} of ${SESSIONS}` +
    (intervals < INTERVALS ? ` (all by interval ${formatNumber(intervals)})` : '')
  writeResults('4-survival', [
    {
      id: '4',
      measure: `Sessions lost over ${formatNumber(INTERVALS)} intervals, ${FAILURE_RATE * 100} % transient failures (500/503/network error/429), 30 s server idle timeout; ${SESSIONS} sessions in one render`,
      values: Object.fromEntries(Object.entries(results).map(([impl, r]) => [impl, cell(r)])),
      goal: '0',
      met: results.ours?.lost === 0 ? 'yes' : 'no',
      note: `Keep-alive requests sent: ${Object.entries(results)
        .map(([impl, r]) => `${impl} ${formatNumber(r.requests)}`)
        .join(', ')}.`,
    },
  ])
})
