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
export const deliver = (tab: number): Action => ({ type: 'deliver', tab })
export const deliverLock = (tab: number): Action => ({ type: 'deliverLock', tab })
export const advance = (ms: number | 'next'): Action => ({ type: 'advance', ms })

/**
 * Loads modules with the world at `interval` ms: it reads MODEL_INTERVAL once, as it loads. Set
 * for the load, and put back for the next test file of the worker.
 */
export async function atInterval<T>(interval: string, load: () => Promise<T>): Promise<T> {
  const before = process.env.MODEL_INTERVAL
  process.env.MODEL_INTERVAL = interval
  try {
    return await load()
  } finally {
    if (before === undefined) delete process.env.MODEL_INTERVAL
    else process.env.MODEL_INTERVAL = before
  }
}
