import type { EngineEvent } from './engine/events'
import { readTabMessage, type TabMessage } from './engine/leadership'
import { noop } from './environment'
import type { TabCoordination, TabLocks } from './store'

type LockSnapshot = Awaited<ReturnType<TabLocks['query']>>

export interface Leadership {
  post: (effect: { message: TabMessage }) => void
  /** Takes the lock from a leader that went silent. */
  steal: () => void
  /** Asks whether the lock is still this tab's (a tab that woke up after losing it must not send). */
  confirm: (effect: { id: number }) => void
  /** Counts the tabs in line for the lock. */
  countPeers: () => void
  /**
   * Lets go of the place in line for the lock, and of the channel, now; of a held lock `after`
   * ms, so that the next tab cannot start a keep-alive closer than 1 s to this tab's last one.
   */
  unlock: (effect: { after: number }) => void
}

/**
 * Elects one tab per lock name with the Web Locks API: the browser grants the lock to one tab at a
 * time and frees it when that tab closes or crashes; the others wait in line and hear the leader
 * on a `BroadcastChannel` of the same name. Decides nothing: it does the engine's effects and
 * tells it what happened.
 */
export function lead(
  { locks, BroadcastChannel }: TabCoordination,
  name: string,
  dispatch: (event: EngineEvent) => void,
): Leadership {
  const channel = new BroadcastChannel(name)
  let leading = false
  let generation = 0
  let clientId: string | undefined
  let cancel = noop
  let letGo = noop
  // Places in line the browser dropped since the last grant.
  let drops = 0

  // Async, so that a lock manager without query() (a polyfill) rejects rather than throws.
  const query = async (): Promise<LockSnapshot> => locks.query()
  /** The requests in line for this lock; undefined when the lock manager does not say. */
  const waiting = ({ pending }: LockSnapshot) => pending?.filter((lock) => lock.name === name)
  const request = (steal: boolean): void => {
    const mine = ++generation
    let granted = false
    const controller = new AbortController()
    // A thief leaves the line only once its steal is granted: the lock manager shows it at every
    // moment, in line or holding (a leader going away with `endOnPageHide` counts the tabs in line,
    // and ends the session if none).
    const inLine = steal ? cancel : noop
    cancel = () => {
      inLine()
      controller.abort()
    }
    let asked: Promise<unknown>
    // A lock manager that throws (a polyfill without `steal`) refuses, as one that rejects.
    try {
      asked = locks.request(name, steal ? { steal } : { signal: controller.signal }, async () => {
        inLine()
        if (mine !== generation) return
        granted = true
        leading = true
        drops = 0
        // The tab leads once it knows who it is (unknown without query(): confirm() then takes
        // the lock as still held), unless it let go meanwhile: a busy page reads the answer a task
        // later, a page in the back/forward cache not before Back, and the lock goes when let go.
        void query()
          .catch(() => ({}) as LockSnapshot)
          .then(({ held }) => {
            if (mine !== generation) return
            clientId = held?.find((lock) => lock.name === name)?.clientId
            dispatch({ type: 'lead', stole: steal })
          })
        await new Promise<void>((resolve) => (letGo = resolve))
      })
    } catch (error) {
      asked = Promise.reject(error)
    }
    asked
      .then(noop, (error: unknown) => error)
      .then((error) => {
        inLine()
        // Released by us, replaced by a newer request, or stolen: only the last asks again.
        if (mine !== generation) return
        if (leading) dispatch({ type: 'lostLead' })
        leading = false
        // Refused before it was ever granted (an opaque origin refuses every request at once):
        // asking again would spin forever without yielding. This tab keeps the session alone. But
        // a place in line the browser dropped is taken again, from a task of its own: WebKit drops
        // a page's as the page goes into the back/forward cache (an AbortError, heard when it
        // comes back), and alone the tab would send beside the leader. Three times in a row at
        // most: a lock manager that drops every request is one that refuses.
        if (granted) request(false)
        else if ((error as Error | null)?.name === 'AbortError' && ++drops < 4) {
          setTimeout(() => mine === generation && request(false))
        } else dispatch({ type: 'noLocks' })
      })
  }

  // A channel that throws (closed, a polyfill's) loses the message, which tabs live with: thrown,
  // it would skip the step's other effects (the keep-alive among them) and the next timer.
  const post = (message: TabMessage): void => {
    try {
      channel.postMessage(message)
    } catch {
      // Lost.
    }
  }

  channel.onmessage = ({ data }: { data: unknown }) => {
    const message = readTabMessage(data)
    if (message) dispatch({ type: 'message', message })
  }
  request(false)
  post({ hello: true })

  return {
    post: ({ message }) => post(message),
    steal: () => request(true),
    confirm: ({ id }) => {
      // An answer to a question asked before this grant (robbed, and given the lock again
      // meanwhile) says nothing of the lock held now. One that says the lock is another's may
      // come before the news of the steal (they come on two lines of the browser's): it changes
      // nothing here, so that the news still tells the tab it lost the lock.
      const grant = leading && generation
      void query().then(
        (snapshot) =>
          dispatch({
            type: 'confirmed',
            id,
            held:
              grant === generation
                ? !!snapshot.held?.some((lock) => lock.name === name && lock.clientId === clientId)
                : leading,
            // Nobody else in line: a thief must get in line first, so the answer holds longer
            // (ALONE_WAIT). A thief stays in line until its steal is granted, above.
            alone: waiting(snapshot)?.length === 0,
          }),
        // A lock manager that cannot answer does not silence the leader.
        () => dispatch({ type: 'confirmed', id, held: true }),
      )
    },
    // Not this page's own (as known when asked): another copy of the package in it goes with it.
    countPeers: () => {
      const me = clientId
      void query().then(
        (snapshot) =>
          dispatch({
            type: 'peers',
            count: waiting(snapshot)?.filter((lock) => lock.clientId !== me).length ?? 0,
          }),
        noop,
      )
    },
    unlock: ({ after }) => {
      generation++
      leading = false
      cancel()
      // At once if it may: a page going into the back/forward cache runs no timer until Back.
      if (after) setTimeout(letGo, after)
      else letGo()
      channel.close()
    },
  }
}
