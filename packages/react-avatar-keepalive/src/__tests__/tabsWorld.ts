// Several "tabs" of one browser profile in one test: each tab is a store with its own facade of
// one shared Web Locks fake (fakeLocks.ts), Node's real BroadcastChannel, its own visibility, and
// a driver that runs nothing while the tab is frozen. Used by the cross-tab tests.
import type { FocusSource } from '../core/environment'
import {
  keepAvatarSessionAlive,
  type KeepAliveHandle,
  type KeepAvatarSessionAliveOptions,
} from '../core/keepAvatarSessionAlive'
import { timerDriver, type KeepAliveDriverFactory } from '../core/driver'
import { dispatchToKeeper } from '../core/keeper'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/store'
import { createFakeLockManager, type FakeLockManager } from './fakeLocks'

export const SESSION = 'shared-session'

export interface Sent {
  tab: string
  at: number
  token: string
  url: string
}

export interface Tab {
  name: string
  store: AvatarSessionStore
  /** This tab's own visibility, as each page of a browser has one. */
  focus: FocusSource & { set: (visible: boolean) => void }
  frozen: boolean
  closed: boolean
  /** How late (ms) this tab's page reads each answer of its lock manager: a busy page's, by a task. */
  late: number
  /** This tab's fetch: records every request in `sent` and answers with `answer`. */
  fetch: typeof fetch
  /** Keeps the session alive from this tab (the core, on this tab's driver and visibility). */
  keep: (token: string, options?: KeepAvatarSessionAliveOptions) => KeepAliveHandle
  /** Runs nothing, hears nothing, learns nothing from the lock manager, until `thaw`. */
  freeze: () => void
  /** The worst order for the thawed tab: its timer fires before it hears it lost the lock. */
  thaw: () => void
  /**
   * Into WebKit's back/forward cache: hidden away (`pagehide`), frozen, its lock and place in line
   * dropped; `thaw` is Back, and the page shows again (`pageshow`).
   */
  cache: () => void
  /** Gone: its locks are released by the browser, and it never runs again. */
  close: () => void
}

export interface Browser {
  locks: FakeLockManager
  /** Every request any tab sent, in order. */
  sent: Sent[]
  /** Every message any tab posted. */
  messages: unknown[]
  /** A new tab; a busy one reads each answer of its lock manager `late` ms later. */
  open: (name: string, late?: number) => Tab
  /** Stops every keep-alive of every tab, so that no BroadcastChannel outlives the test. */
  stopAll: () => void
}

export function createBrowser(
  answer: (token: string, url: string) => { status: number; body: string },
  interval: number,
): Browser {
  const locks = createFakeLockManager()
  const sent: Sent[] = []
  const messages: unknown[] = []
  const handles: KeepAliveHandle[] = []

  const open = (name: string, late = 0): Tab => {
    const held: (() => void)[] = []
    const visibility = new Set<(visible: boolean) => void>()
    let visible = true
    let overdue: (() => void) | null = null
    let cached = false
    const tab: Tab = {
      name,
      frozen: false,
      closed: false,
      late,
      focus: {
        isFocused: () => visible,
        subscribe: (listener) => {
          visibility.add(listener)
          return () => void visibility.delete(listener)
        },
        set: (next) => {
          visible = next
          visibility.forEach((listener) => listener(next))
        },
      },
      store: undefined as unknown as AvatarSessionStore,
      fetch: async (url, init) => {
        const headers = (init?.headers ?? {}) as Record<string, string>
        const token = headers.Authorization!.slice('Bearer '.length)
        sent.push({ tab: name, at: Date.now(), token, url: String(url) })
        const { status, body } = answer(token, String(url))
        return new Response(body, { status })
      },
      keep: (token, options = {}) => {
        const handle = keepAvatarSessionAlive(SESSION, token, {
          interval,
          store: tab.store,
          fetch: tab.fetch,
          driver,
          focus: tab.focus,
          ...options,
        })
        handles.push(handle)
        return handle
      },
      freeze: () => {
        tab.frozen = true
        locks.freeze(name)
      },
      cache: () => {
        // (The tabs share one window: this one's page events go to its keeper alone.)
        dispatchToKeeper(tab.store, SESSION, { type: 'pagehide' })
        cached = true
        tab.frozen = true
        locks.cache(name)
      },
      thaw: () => {
        if (tab.closed) return
        tab.frozen = false
        held.splice(0).forEach((deliver) => deliver())
        const run = overdue
        overdue = null
        run?.()
        locks.thaw(name)
        if (cached) dispatchToKeeper(tab.store, SESSION, { type: 'resume' })
        cached = false
      },
      close: () => {
        tab.freeze()
        tab.closed = true
        locks.close(name)
      },
    }
    const driver: KeepAliveDriverFactory = (keeper) => {
      const inner = timerDriver({
        ...keeper,
        tick: () => {
          if (!tab.frozen) return keeper.tick()
          overdue = () => inner.wake()
          return 'alive'
        },
      })
      return inner
    }
    class Channel extends BroadcastChannel {
      override postMessage(message: unknown): void {
        if (tab.frozen) return
        messages.push(message)
        super.postMessage(message)
      }
      override set onmessage(listener: ((event: MessageEvent) => void) | null) {
        super.onmessage =
          listener &&
          ((event) => {
            if (tab.closed) return
            if (tab.frozen) held.push(() => listener(event))
            else listener(event)
          })
      }
    }
    const own = locks.tab(name)
    const query = (): Promise<LockManagerSnapshot> =>
      !tab.late
        ? own.query()
        : new Promise((resolve) => {
            const answer = own.query()
            // Read in the tab's own tasks: never once it closed; at thaw if it is frozen by then.
            setTimeout(() => {
              if (tab.closed) return
              if (tab.frozen) held.push(() => resolve(answer))
              else resolve(answer)
            }, tab.late)
          })
    tab.store = createAvatarSessionStore({
      crossTab: {
        locks: { request: own.request.bind(own), query } as LockManager,
        BroadcastChannel: Channel,
      },
    })
    return tab
  }

  return { locks, sent, messages, open, stopAll: () => handles.forEach((handle) => handle.stop()) }
}
