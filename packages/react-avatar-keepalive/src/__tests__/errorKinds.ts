import type { AvatarKeepAliveErrorKind } from '../core/index'

/**
 * Every error kind, written out rather than read from the package's `ERROR_KINDS`, which the tests
 * that use this list check (a kind the package's list lost would be lost from the test too).
 */
export const ALL_KINDS: readonly AvatarKeepAliveErrorKind[] = [
  'expired',
  'not-found',
  'unauthorized',
  'invalid-token',
  'bad-request',
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
]
