import { test } from 'vitest'
import {
  advance,
  cells,
  consumersUi,
  forEachImplementation,
  formatNumber,
  INTERVAL,
  oursContext,
  sessionMap,
  sessions,
  silenceConsole,
  withMockApi,
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
function survival(impl: ImplementationName): Promise<Survival> {
  const list = sessions(SESSIONS)
  const apiOptions = {
    sessions: sessionMap(list),
    failureRate: FAILURE_RATE,
    seed: SEED,
    failureAnswers: [500, 503, 'network-error', 429] as const,
  }
  return withMockApi(apiOptions, async (api, root) => {
    const lost = () => list.filter((s) => api.isEnded(s.sessionId)).length
    let requests = 0
    let intervals = 0
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
  })
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
      values: cells(results, cell),
      goal: '0',
      met: results.ours?.lost === 0 ? 'yes' : 'no',
      note: `Keep-alive requests sent: ${Object.entries(results)
        .map(([impl, r]) => `${impl} ${formatNumber(r.requests)}`)
        .join(', ')}.`,
    },
  ])
})
