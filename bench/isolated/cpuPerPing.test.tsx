import { act } from 'react'
import { test, vi } from 'vitest'
import {
  advance,
  cells,
  consumersUi,
  forEachImplementation,
  formatNumber,
  INTERVAL,
  median,
  oursContext,
  silenceConsole,
  withMockApi,
  writeResults,
} from '../harness'
import type { ImplementationName } from '../implementations'

const PINGS = 1_000
const WARM_UP = 50

interface PingCost {
  cpu: number
  wall: number
}

// The whole path of one routine ping: the timer, the request through msw and the mock, the state
// update and its notifications, in µs of process CPU time (user + system) and of wall time.
function costPerPing(impl: ImplementationName): Promise<PingCost> {
  return withMockApi({ sessions: { s1: 'token-1' } }, async (api, root) => {
    const cpu: number[] = []
    const wall: number[] = []
    await root.render(
      consumersUi(impl, [{ key: 0, sessionId: 's1', token: 'token-1' }], oursContext()),
    )
    await advance(INTERVAL)
    for (let i = 0; i < WARM_UP + PINGS; i++) {
      const startCpu = process.cpuUsage()
      const startWall = performance.now()
      await act(() => vi.advanceTimersByTimeAsync(INTERVAL))
      const { user, system } = process.cpuUsage(startCpu)
      if (i >= WARM_UP) {
        cpu.push(user + system)
        wall.push((performance.now() - startWall) * 1000)
      }
      api.clearRequests()
    }
    return { cpu: median(cpu), wall: median(wall) }
  })
}

silenceConsole()

test('8. CPU time per ping', async () => {
  const costs = await forEachImplementation(costPerPing)
  writeResults('8-cpu-per-ping', [
    {
      id: '8',
      measure: `CPU time per routine ping, whole path (timer, msw, state, notify), median of ${formatNumber(PINGS)} (wall time in brackets)`,
      values: cells(costs, ({ cpu, wall }) => `${formatNumber(cpu)} µs (${formatNumber(wall)} µs)`),
      goal: '—',
      met: '—',
    },
  ])
})
