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
} from '../harness'
import type { ImplementationName } from '../implementations'

const MEASURED_INTERVALS = 10

// The server ends the session; once a keep-alive has been answered 410, the requests of the next
// 10 intervals are counted.
function requestsAfter410(impl: ImplementationName): Promise<number> {
  return withMockApi({ sessions: { s1: 'token-1' } }, async (api, root) => {
    await root.render(
      consumersUi(impl, [{ key: 0, sessionId: 's1', token: 'token-1' }], oursContext()),
    )
    await advance(INTERVAL)
    api.end('s1')
    for (let step = 0; !api.requests.some((r) => r.status === 410); step++) {
      if (step === 3) throw new Error(`${impl}: no 410 answered`)
      await advance(INTERVAL)
    }
    api.clearRequests()
    await advance(MEASURED_INTERVALS * INTERVAL)
    return api.count()
  })
}

silenceConsole()

test('5. requests after a 410', async () => {
  const requests = await forEachImplementation(requestsAfter410)
  writeResults('5-after-410', [
    {
      id: '5',
      measure: `Requests sent after a 410 (over ${MEASURED_INTERVALS} intervals)`,
      values: cells(requests, (value) => formatNumber(value)),
      goal: '0',
      met: requests.ours === 0 ? 'yes' : 'no',
    },
  ])
})
