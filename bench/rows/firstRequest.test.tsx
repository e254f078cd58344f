import { act } from 'react'
import { test, vi } from 'vitest'
import {
  advance,
  cells,
  consumersUi,
  forEachImplementation,
  formatNumber,
  oursContext,
  silenceConsole,
  withMockApi,
  writeResults,
} from '../harness'
import type { ImplementationName } from '../implementations'

// Fake ms from the mount to the first keep-alive reaching the mock API.
function msToFirstRequest(impl: ImplementationName): Promise<number> {
  return withMockApi({ sessions: { s1: 'token-1' } }, async (api, root) => {
    const mountedAt = Date.now()
    await root.render(
      consumersUi(impl, [{ key: 0, sessionId: 's1', token: 'token-1' }], oursContext()),
    )
    await advance(0)
    for (let step = 0; api.count() === 0 && step < 100; step++) {
      await act(() => vi.advanceTimersToNextTimerAsync())
    }
    const first = api.requests[0]
    if (!first) throw new Error(`${impl}: no request`)
    return first.at - mountedAt
  })
}

silenceConsole()

test('3. time from mount to first request, fake clock', async () => {
  const ms = await forEachImplementation(msToFirstRequest)
  writeResults('3a-first-request-fake', [
    {
      id: '3a',
      measure: 'Time from mount to first request, fake clock',
      values: cells(ms, (value) => `${formatNumber(value)} ms`),
      goal: '0 ms (at mount)',
      met: ms.ours === 0 ? 'yes' : 'no',
    },
  ])
})
