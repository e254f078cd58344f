// Read by server and client code alike: nothing here is a secret.

/**
 * Keep-alives go to the mock avatar API (msw's service worker, in the browser) under `next dev`,
 * and in a production build only when it was built with `NEXT_PUBLIC_AVATAR_MOCK=1`. Both values
 * are inlined at build time.
 */
export const USE_MOCK_API =
  process.env.NEXT_PUBLIC_AVATAR_MOCK === '1' || process.env.NODE_ENV === 'development'

/** A path on this origin: if the mock's worker is not running, requests get a 404 from Next, never reach the real API. */
export const MOCK_BASE_URL = '/mock-avatar-api/v1'

/** The session the mock knows. Fake values. */
export const MOCK_SESSION = { sessionId: 'demo-session', token: 'demo-token' } as const

/**
 * Without the mock, keep-alives go to this app's own route (`app/api/avatar/[...path]/route.ts`),
 * which adds the session token on the server and forwards them to the avatar API.
 */
export const PROXY_BASE_URL = '/api/avatar'

export const AVATAR_BASE_URL = USE_MOCK_API ? MOCK_BASE_URL : PROXY_BASE_URL
