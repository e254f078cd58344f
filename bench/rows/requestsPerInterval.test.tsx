import { test } from 'vitest'
import {
  advance,
  cells,
  consumersUi,
  forEachImplementation,
  formatNumber,
  INTERVAL,
  oursContext,
  silenceConsole,
  withMockApi,
  writeResults,
  type BenchResult,
} from '../harness'
import type { ImplementationName } from '../implementations'

const MEASURED_INTERVALS = 10

// Consumers of one session mount one after the other, spread evenly over one interval; then the
// requests of the next 10 intervals are counted.
function requestsPerInterval(impl: ImplementationName, consumers: number): Promise<number> {
  return withMockApi({ sessions: { s1: 'token-1' } }, async (api, root) => {
    const context = oursContext()
    const mounted = []
    for (let key = 0; key < consumers; key++) {
      mounted.push({ key, sessionId: 's1', token: 'token-1' })
      await root.render(consumersUi(impl, mounted, context))
      await advance(INTERVAL / consumers)
    }
    api.clearRequests()
    await advance(MEASURED_INTERVALS * INTERVAL)
    return api.count('s1') / MEASURED_INTERVALS
  })
}

silenceConsole()

test('1. requests per interval for 1, 10 and 100 consumers of one session', async () => {
  const rows: BenchResult[] = []
  for (const [index, consumers] of [1, 10, 100].entries()) {
    const perInterval = await forEachImplementation((impl) => requestsPerInterval(impl, consumers))
    rows.push({
      id: `1${'abc'[index]}`,
      measure: `Requests per interval, ${consumers} consumer${consumers > 1 ? 's' : ''} of one session (mounted over one interval, counted over the next ${MEASURED_INTERVALS})`,
      values: cells(perInterval, (value) => formatNumber(value, 2)),
      goal: '1',
      met: perInterval.ours === 1 ? 'yes' : 'no',
    })
  }
  writeResults('1-requests-per-interval', rows)
})
