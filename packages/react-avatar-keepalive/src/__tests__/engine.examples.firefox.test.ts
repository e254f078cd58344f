// Paths replayed in a world whose hidden pages fire their timers as Firefox does on a busy machine
// (MODEL_TIMERS=firefox: at least 1 s after they were set, and 300 ms more), at 2 s, the interval
// the browser suites use.
import { expect, test } from 'vitest'
import { advance, atInterval, hiddenFollowerFrozenLeader } from './worldActions'

const { replay: play } = await atInterval('2000', () => import('./modelChecker'), 'firefox')

// 31, as a browser shows it: the leader hangs (a long task) after its keep-alive at 2 s; the
// follower is hidden. Its deadline's step comes at 4.8 s, its last call's 250 ms end 1.05 s late
// (6.1 s), and the call made again as late (7.4 s): it steals there, and sends at 8.7 s, once the
// steal settled and the lock manager said it holds the lock. It had called again at every late
// step, and never took over while its timers stayed late.
test('a hidden follower in Firefox takes over from a leader in a long task', () => {
  const { world, violations } = play(2, [...hiddenFollowerFrozenLeader(), advance(7_000)])
  expect(violations).toEqual([])
  expect(world.lines[0]!.lastSender).toBe(1)
  expect(world.tabs[1]!.engine.role).toBe('lead')
  expect(world.tabs[1]!.ownSend).toBe(8_700)
})
