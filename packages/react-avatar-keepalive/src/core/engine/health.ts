// What the store shows about a session: the outcome of each keep-alive and `isAlive`.
import { AvatarKeepAliveError } from '../error'
import { MIN_KEEP_ALIVE_GAP, retryDelay } from '../schedule'
import { statusForError } from '../status'
import { patchSnapshot, type MissedKeepAlives, type SnapshotPatch } from '../store'
import type { Ctx } from './step'
import { isFresh, sinceAlive, usableToken, type Draft, type Flight } from './state'

const REFUSALS: readonly string[] = ['unauthorized', 'invalid-token', 'bad-request']

export const show = (n: Draft, patch: SnapshotPatch): void =>
  void (n.snap = patchSnapshot(n.snap, patch))

export function succeeded(n: Draft, c: Ctx, flight: Flight): void {
  n.lastAlive = c.now
  n.blame = null
  // What asked for a keep-alive while this one was out (back online, a token), it answers.
  n.next = { why: 'beat' }
  show(n, {
    status: n.online ? 'alive' : 'offline',
    lastAliveAt: c.wall,
    lastAttemptAt: flight.wall,
    consecutiveFailures: 0,
    error: null,
  })
  if (n.settings.endOnPageHide && n.role === 'lead') c.fx.push({ type: 'countPeers' })
}

export function failed(
  n: Draft,
  c: Ctx,
  error: AvatarKeepAliveError,
  flight: Flight,
  random: number,
): void {
  const { interval, retry } = n.settings
  const consecutiveFailures = n.snap.consecutiveFailures + 1
  const silentFor = sinceAlive(n, c.now)
  const { kind } = error
  const lastAttemptAt = flight.wall
  if (error.retryable && !n.online) {
    // Whatever failed while the device is offline failed because of it.
    n.next = { why: 'asap', cause: 'online' }
    show(n, { status: 'offline', lastAttemptAt })
  } else if (kind === 'expired' || kind === 'not-found') {
    // A blame stands while no success any tab saw left less than an interval of its stretch after it.
    const { blame } = n
    const missed: MissedKeepAlives | null =
      kind === 'expired' &&
      blame &&
      blame.by > (n.lastAlive ?? -Infinity) &&
      silentFor > interval + MIN_KEEP_ALIVE_GAP
        ? { cause: blame.cause, silentFor: Math.round(silentFor) }
        : null
    const endReason = kind === 'not-found' ? kind : missed ? 'missed' : 'server'
    show(n, { status: kind, error, consecutiveFailures, endReason, missed, lastAttemptAt })
  } else if (REFUSALS.includes(kind)) {
    refuse(n, c, error, flight.token, lastAttemptAt)
  } else {
    show(n, {
      status: 'degraded',
      error,
      consecutiveFailures,
      isAlive: isFresh(n, c.now),
      lastAttemptAt,
    })
    n.next =
      error.retryable && retry
        ? {
            why: 'retry',
            at:
              c.now +
              retryDelay({
                attempt: consecutiveFailures,
                interval,
                error,
                sinceAlive: silentFor,
                random: () => random,
              }),
          }
        : { why: 'beat' }
  }
}

/** A refused token is never sent again; another consumer's token, if any, goes at once. */
export function refuse(
  n: Draft,
  c: Ctx,
  error: AvatarKeepAliveError,
  token: string,
  lastAttemptAt?: number | null,
): void {
  n.refused = [...n.refused, token]
  n.refusal = error
  const another = usableToken(n) !== undefined
  show(n, {
    status: another ? 'degraded' : statusForError(error),
    error,
    consecutiveFailures: n.snap.consecutiveFailures + 1,
    isAlive: isFresh(n, c.now),
    ...(lastAttemptAt && { lastAttemptAt }),
  })
  // Refused by the server: another token goes at once. Refused before it was sent (not a header
  // value): the schedule goes on with the next token as it was.
  if (lastAttemptAt !== undefined)
    n.next = another ? { why: 'asap', cause: 'token' } : { why: 'beat' }
}

export const invalidToken = (): AvatarKeepAliveError =>
  new AvatarKeepAliveError({ kind: 'invalid-token' })
