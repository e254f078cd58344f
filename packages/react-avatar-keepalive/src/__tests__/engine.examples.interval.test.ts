// Counterexamples found at a short interval (engine.property.interval.test.ts; MODEL_INTERVAL),
// kept as plain tests like those of engine.examples.test.ts, in a world whose interval is 1 s.
import { expect, test } from 'vitest'
import { advance, atInterval, env, keep, thaw } from './worldActions'

const { replay: play } = await atInterval('1000', () => import('./modelChecker'))

// 29. Random walks at 1 s (three tabs, seed 422526410; two suffice): a follower frozen since it
// came thaws 2.75 s later and makes its last call, then reads what the leader said meanwhile: its
// last keep-alive 750 ms before. A call moved the follower's clock (`heardAt`) to where its moment
// ends, and below 1.5 s a keep-alive that recent did not move it further: the call counted as
// unanswered, the follower stole as the leader (now hidden) sent its next one, and sent 250 ms
// after it. Any keep-alive a follower had not heard of now answers its call: it calls again when
// that one is 1 s old, the hidden leader's next is late (its timers run on whole seconds), and the
// follower takes over 1.5 s after the leader's last keep-alive, which asks the lock manager first.
test('a last call is answered by any keep-alive the follower had not heard of', () => {
  const { world, violations } = play(2, [
    advance(1),
    keep(1),
    keep(0),
    env(0, 'freeze'),
    advance('next'),
    advance('next'),
    advance(2_250),
    thaw(0),
    env(1, 'visible'),
    advance(1_000),
  ])
  expect(violations).toEqual([])
  expect(world.tabs[1]!.ownSend).toBe(3_001)
  expect(world.tabs[0]!.ownSend).toBe(4_501)
  expect(world.tabs[1]!.engine.role).toBe('follow')
})
