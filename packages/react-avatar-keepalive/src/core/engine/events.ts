import type { AvatarKeepAliveError } from '../error'
import type { AvatarSessionEndReason } from '../status'
import type { AvatarSessionSnapshot } from '../store'
import type { TabMessage } from './leadership'
import type { Consumer, Ms } from './state'

/** Everything that happens to a session's keep-alive in one tab. */
export type EngineEvent =
  /** The consumers keeping the session (joined, left, or a token or options changed). */
  | { type: 'consumers'; consumers: readonly Consumer[] }
  /** The interpreter's timer fired (or it ran a step for another reason). */
  | { type: 'timer' }
  /** A keep-alive was answered: `error` null for a success; `random` in [0, 1) for retry jitter. */
  | { type: 'answered'; id: number; error: AvatarKeepAliveError | null; random: number }
  | { type: 'online'; online: boolean }
  | { type: 'visible'; visible: boolean }
  /** A frozen page runs again, or a page hidden away shows again (`pageshow`: Back). */
  | { type: 'resume' }
  /** The page is hidden away: it goes into the back/forward cache, or closes. */
  | { type: 'pagehide' }
  /** User activity, in this tab or (`other`) in another one keeping the session. */
  | { type: 'activity'; other?: boolean }
  | { type: 'ping' }
  /** The store was changed by someone else: `endAvatarSession` ended it, `clearSession` cleared it. */
  | { type: 'external'; snapshot: AvatarSessionSnapshot }
  /** The lock was granted: this tab leads (`stole`: it took the lock from a silent leader). */
  | { type: 'lead'; stole: boolean }
  /** Another tab took the lock. */
  | { type: 'lostLead' }
  | { type: 'message'; message: TabMessage }
  /**
   * The lock manager's answer to `confirm` about keep-alive `id`, as it stood when it answered:
   * whether this tab held the lock, and whether no tab was in line for it (`alone`).
   */
  | { type: 'confirmed'; id: number; held: boolean; alone?: boolean }
  /** Tabs in line for the lock. */
  | { type: 'peers'; count: number }
  /**
   * The lock manager refused this page (an opaque origin: a sandboxed iframe, a `file:` page), or
   * the channel would not open: this tab keeps the session on its own.
   */
  | { type: 'noLocks' }
  /**
   * The lock's name changed with the options (it is named by the keep-alive's URL): another
   * endpoint, another line.
   */
  | { type: 'moved' }

/** Everything the engine wants done; the interpreter does it after the step, in order. */
export type EngineEffect =
  /** Send a keep-alive with the state's settings (`baseUrl`, `timeout`, `fetch`). */
  | { type: 'send'; id: number; token: string }
  | { type: 'abort'; id: number }
  /** Send the end request. */
  | { type: 'end'; token: string; reason: AvatarSessionEndReason }
  /** Resolve every waiting `ping()` with the status the step left. */
  | { type: 'settle' }
  | { type: 'post'; message: TabMessage }
  /** Open the session's channel, get in line for its lock and say hello. */
  | { type: 'lock' }
  /** Leave the line and the channel now, and let go of a held lock `after` ms. */
  | { type: 'unlock'; after: Ms }
  | { type: 'steal' }
  /**
   * Ask the lock manager whether this tab still holds the lock, before keep-alive `id` (then
   * `confirmed`, with the same `id`).
   */
  | { type: 'confirm'; id: number }
  /** Count the tabs in line for the lock (then `peers`). */
  | { type: 'countPeers' }
  /** Listen for user activity on the page, or stop. */
  | { type: 'watch'; on: boolean }
