import { connection } from 'next/server'
import { MOCK_SESSION, USE_MOCK_API } from './avatarConfig'

export interface AvatarSession {
  sessionId: string
  /** What the browser sends as `Authorization: Bearer …`. */
  token: string
}

/**
 * The session this app keeps alive. A real app creates one per visitor on the server
 * (`POST /avatar-session` with its KS); this example reads one from the environment.
 * The browser never gets the real token: the proxy route adds it. The hook still needs a
 * non-empty token to start, so the browser gets a stand-in that the proxy ignores.
 */
export async function getAvatarSession(): Promise<AvatarSession> {
  if (USE_MOCK_API) return MOCK_SESSION
  await connection() // read the environment per request, not once at build time
  const sessionId = process.env.AVATAR_SESSION_ID ?? ''
  const hasToken = Boolean(process.env.AVATAR_SESSION_TOKEN)
  return { sessionId, token: sessionId && hasToken ? 'added-by-proxy' : '' }
}
