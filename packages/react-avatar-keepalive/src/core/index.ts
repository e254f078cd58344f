export { AVATAR_API_EU, AVATAR_API_US, DEFAULT_KEEP_ALIVE_TIMEOUT } from './request'
export { isValidSessionId, isValidToken, keepAliveUrl, sendKeepAlive } from './request'
export type { SessionCallOptions } from './request'
export { AvatarKeepAliveError, classifyHttpStatus, MAX_TIMER_DELAY, parseRetryAfter } from './error'
export type { AvatarKeepAliveErrorInit, AvatarKeepAliveErrorKind } from './error'
export { AVATAR_SESSION_STATUSES, isAliveStatus, isTerminalStatus, statusForError } from './status'
export type { AvatarSessionEndReason, AvatarSessionStatus } from './status'
export { avatarSessionStore, createAvatarSessionStore, IDLE_SNAPSHOT } from './store'
export type {
  AvatarSessionSnapshot,
  AvatarSessionStore,
  AvatarSessionStoreOptions,
  MissedKeepAlives,
  TabChannel,
  TabCoordination,
  TabLockInfo,
  TabLocks,
} from './store'
export {
  DEFAULT_KEEP_ALIVE_INTERVAL,
  MIN_KEEP_ALIVE_GAP,
  resolveKeepAliveOptions,
  retryDelay,
} from './schedule'
export type { KeepAliveTimingOptions, ResolvedKeepAliveTiming, RetryDelayInput } from './schedule'
export { endAvatarSession } from './endAvatarSession'
export type { EndAvatarSessionOptions } from './endAvatarSession'
export { markSessionActive } from './keeper'
export type { KeeperOptions } from './keeper'
export { timerDriver } from './driver'
export type { KeepAliveDriver, KeepAliveDriverFactory } from './driver'
export { keepAvatarSessionAlive } from './keepAvatarSessionAlive'
export type { KeepAliveHandle, KeepAvatarSessionAliveOptions } from './keepAvatarSessionAlive'
export type { SessionCallbacks } from './watchSession'
export type { FocusSource, OnlineSource } from './environment'
export { keepAliveQueryKey, keepAliveQueryOptions } from './queryOptions'
export type { KeepAliveQueryKey, KeepAliveQueryOptions } from './queryOptions'
