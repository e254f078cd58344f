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

const PINGS = 100

// Renders of the component that calls the hook (counted by a Profiler around it) while it sends
// 100 routine, successful keep-alives, after its first success.
function rendersPerPing(impl: ImplementationName): Promise<number> {
  return withMockApi({ sessions: { s1: 'token-1' } }, async (api, root) => {
    let renders = 0
    await root.render(
      consumersUi(impl, [{ key: 0, sessionId: 's1', token: 'token-1' }], oursContext(), () => {
        renders++
      }),
    )
    await advance(INTERVAL)
    api.clearRequests()
    renders = 0
    await advance(PINGS * INTERVAL)
    const ok = api.requests.filter((r) => r.status === 200).length
    if (ok !== PINGS) throw new Error(`${impl}: expected ${PINGS} successful pings, got ${ok}`)
    return renders / PINGS
  })
}

silenceConsole()

test('2. re-renders per routine successful ping', async () => {
  const perPing = await forEachImplementation(rendersPerPing)
  writeResults('2-rerenders', [
    {
      id: '2',
      measure: `Re-renders of the component calling the hook, per routine successful ping (over ${PINGS} pings)`,
      values: cells(perPing, (value) => formatNumber(value, 2)),
      goal: '0',
      met: perPing.ours === 0 ? 'yes' : 'no',
    },
  ])
})
