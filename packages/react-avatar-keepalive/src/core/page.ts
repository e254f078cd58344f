// What every session of the page shares: one set of listeners, however many sessions there are.
import { globalWindow, listen } from './environment'

// The end requests to send if the page goes away, made ready beforehand. Firefox cuts off a
// closing tab's script a millisecond or two into `pagehide` (it is shutting the tab's process
// down), usually in the first listener: each fetch is the first thing that runs, in a listener of
// its own (capture: before the app's), and a second listener sends whatever the first did not
// reach. Nothing before the fetch: no store write, no signal, no timer.
/** Each session's end request (by its keeper), ready to go as the page goes away. */
export const pageEnds: Map<object, () => void> = new Map()
const sendEnds = (): void =>
  pageEnds.forEach((send, key) => {
    send()
    pageEnds.delete(key)
  })

/** Makes `send` the end request of `key` (a session's keeper) if the page goes away; `null` drops it. */
export function readyEnd(key: object, send: (() => void) | null): void {
  const had = pageEnds.size
  if (send) pageEnds.set(key, send)
  else pageEnds.delete(key)
  if (!had !== !pageEnds.size) {
    const method = pageEnds.size ? 'addEventListener' : 'removeEventListener'
    globalWindow?.[method]?.('pagehide', sendEnds, true)
    globalWindow?.[method]?.('pagehide', sendEnds)
  }
}

// One set of page listeners for user activity, however many sessions watch for it.
const watchers = new Set<() => void>()
let unwatchAll: (() => void) | undefined
/** Calls `onActive` on the user's pointer, key, touch and wheel; returns the way to stop. */
export function watchActivity(onActive: () => void): () => void {
  watchers.add(onActive)
  unwatchAll ??= (() => {
    const offs = ['pointerdown', 'keydown', 'touchstart', 'wheel'].map((type) =>
      listen(globalWindow, type, () => watchers.forEach((watcher) => watcher())),
    )
    return () => offs.forEach((off) => off())
  })()
  return () => {
    watchers.delete(onActive)
    if (watchers.size === 0) {
      unwatchAll?.()
      unwatchAll = undefined
    }
  }
}
