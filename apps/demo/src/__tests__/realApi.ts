import { AVATAR_API_US } from 'react-avatar-keepalive'
import { createAvatarApiMock } from 'react-avatar-keepalive/testing'
import type { Connection } from '../story/DemoContext'

/** Stands in for a real endpoint (the US preset), with one session. */
export const REAL_SESSION = { sessionId: 'real-1', token: 'real-token-1' }
export const realApi = createAvatarApiMock({
  sessions: { [REAL_SESSION.sessionId]: REAL_SESSION.token },
  baseUrl: AVATAR_API_US,
})
export const REAL: Connection = { mode: 'real', baseUrl: AVATAR_API_US, ...REAL_SESSION }
