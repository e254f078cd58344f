import { act } from 'react'
import { test, vi } from 'vitest'
import {
  advance,
  consumersUi,
  forEachImplementation,
  formatNumber,
  INTERVAL,
  median,
  mountRoot,
  oursContext,
  silenceConsole,
  startApi,
  installFakeClock,
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
async function costPerPing(impl: ImplementationName): Promise<PingCost> {
  installFakeClock()
  const { api, close } = startApi({ sessions: { s1: 'token-1' } })
  const root = mountRoot()
  const cpu: number[] = []
  const wall: number[] = []
  try {
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
  } finally {
    await root.unmount()
    close()
    vi.useRealTimers()
  }
}

silenceConsole()

test('8. CPU time per ping', async () => {
  const costs = await forEachImplementation(costPerPing)
  writeResults('8-cpu-per-ping', [
    {
      id: '8',
      measure: `CPU time per routine ping, whole path (timer, msw, state, notify), median of ${formatNumber(PINGS)} (wall time in brackets)`,
      values: Object.fromEntries(
        Object.entries(costs).map(([impl, { cpu, wall }]) => [
          impl,
          `${formatNumber(cpu)} µs (${formatNumber(wall)} µs)`,
        ]),
      ),
      goal: '—',
      met: '—',
    },
  ])
})
