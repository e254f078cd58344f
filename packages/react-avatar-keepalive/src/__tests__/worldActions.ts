// What the example tests build paths from, and how a test file loads the world at another
// interval. Types only from engineWorld: importing this does not load the world.
import type { Action, ConsumerAction, EnvAction } from './engineWorld'

export const consumer = (tab: number, what: ConsumerAction): Action => ({
  type: 'consumer',
  tab,
  what,
})
export const env = (tab: number, what: EnvAction): Action => ({ type: 'env', tab, what })
export const keep = (tab: number): Action => consumer(tab, 'keep0')
export const freeze = (tab: number): Action => env(tab, 'freeze')
export const thaw = (tab: number): Action => ({ type: 'thaw', tab })
export const tick = (tab: number): Action => ({ type: 'tick', tab })
export const deliver = (tab: number): Action => ({ type: 'deliver', tab })
export const deliverLock = (tab: number): Action => ({ type: 'deliverLock', tab })
export const advance = (ms: number | 'next'): Action => ({ type: 'advance', ms })

/** Two tabs keep the session; the follower (tab 1) is hidden, and at 2 s the leader freezes. */
export const hiddenFollowerFrozenLeader = (): Action[] => [
  keep(0),
  advance(1_000),
  keep(1),
  env(1, 'visible'),
  advance(1_000),
  freeze(0),
]

/**
 * Loads modules with the world at `interval` ms (and with `firefox`, hidden pages' timers as
 * Firefox fires them): it reads MODEL_INTERVAL and MODEL_TIMERS once, as it loads. Set for the
 * load, and put back for the next test file of the worker.
 */
export async function atInterval<T>(
  interval: string,
  load: () => Promise<T>,
  timers?: 'firefox',
): Promise<T> {
  const before = {
    MODEL_INTERVAL: process.env.MODEL_INTERVAL,
    MODEL_TIMERS: process.env.MODEL_TIMERS,
  }
  process.env.MODEL_INTERVAL = interval
  if (timers) process.env.MODEL_TIMERS = timers
  try {
    return await load()
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}
