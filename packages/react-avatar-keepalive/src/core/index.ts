export {
  AVATAR_API_EU,
  AVATAR_API_US,
  DEFAULT_KEEP_ALIVE_INTERVAL,
  DEFAULT_KEEP_ALIVE_TIMEOUT,
} from './constants'
export { AvatarKeepAliveError } from './AvatarKeepAliveError'
export type { AvatarKeepAliveErrorInit, AvatarKeepAliveErrorKind } from './AvatarKeepAliveError'
export { classifyHttpStatus } from './classifyHttpStatus'
export { parseRetryAfter } from './parseRetryAfter'
export { isValidSessionId, keepAliveUrl } from './keepAliveUrl'
export { sendKeepAlive } from './sendKeepAlive'
export { endAvatarSession } from './endAvatarSession'
export type { EndAvatarSessionOptions } from './endAvatarSession'
export type { SessionCallOptions } from './postToSession'
export type { SendKeepAliveOptions } from './sendKeepAlive'
export { AVATAR_SESSION_STATUSES } from './AvatarSessionStatus'
export type { AvatarSessionStatus } from './AvatarSessionStatus'
export { statusForError } from './statusForError'
export { isAliveStatus } from './isAliveStatus'
export { isHaltedStatus } from './isHaltedStatus'
export { createAvatarSessionStore, IDLE_SNAPSHOT } from './createAvatarSessionStore'
export type {
  AvatarSessionSnapshot,
  AvatarSessionStore,
  AvatarSessionStoreState,
} from './createAvatarSessionStore'
export { avatarSessionStore } from './avatarSessionStore'
export { resolveKeepAliveOptions } from './resolveKeepAliveOptions'
export type { KeepAliveTimingOptions, ResolvedKeepAliveTiming } from './resolveKeepAliveOptions'
export { nextPingDelay } from './nextPingDelay'
export { retryDelay } from './retryDelay'
export type { RetryDelayInput } from './retryDelay'
export type { OnlineSource } from './OnlineSource'
export { isKeepAliveHalted } from './isKeepAliveHalted'
export { runKeepAlive } from './runKeepAlive'
export type { KeepAliveRun } from './runKeepAlive'
export { keepAliveQueryKey, keepAliveQueryOptions } from './keepAliveQueryOptions'
export type { KeepAliveQueryKey, KeepAliveQueryOptions } from './keepAliveQueryOptions'
