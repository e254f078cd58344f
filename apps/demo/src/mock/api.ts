import { onlineManager } from '@tanstack/react-query'
import { createAvatarApiMock } from 'react-avatar-keepalive/testing'

/**
 * Where keep-alives go in mock mode. A path on this origin rather than the vendor's URL: if the
 * service worker is not running, requests reach the dev server (404), never the real API.
 */
export const MOCK_BASE_URL = '/mock-avatar-api/v1'

/** The mock server ends a session after this long without a successful keep-alive. */
export const MOCK_IDLE_TIMEOUT = 30_000

/** The sessions the mock knows (id → token). Fake values: nothing here is a secret. */
export const MOCK_SESSIONS = {
  'session-a': 'demo-token-a',
  'session-b': 'demo-token-b',
  'session-c': 'demo-token-c',
  // The "Two tabs" story's own session, so that no other story's tab shares its keep-alive.
  'session-tabs': 'demo-token-tabs',
} as const

export type MockSessionId = keyof typeof MOCK_SESSIONS

export const MOCK_SESSION_IDS = Object.keys(MOCK_SESSIONS) as MockSessionId[]

/** The one mock avatar API of the page; every story resets it, then configures it. */
export const api = createAvatarApiMock({
  sessions: MOCK_SESSIONS,
  baseUrl: MOCK_BASE_URL,
  idleTimeout: MOCK_IDLE_TIMEOUT,
})

let resetAt = Date.now()

/** When the mock was last reset: sessions count their idle time from then. */
export function mockResetAt(): number {
  return resetAt
}

/**
 * Storybook's preview-level `beforeEach`: a clean mock and TanStack Query's own online state for
 * every story (online until the page's events say otherwise: `navigator.onLine` reads false on
 * some machines that are online).
 */
export function resetMock(): void {
  api.reset()
  resetAt = Date.now()
  onlineManager.setOnline(true)
}
