import { setupWorker } from 'msw/browser'
import { createAvatarApiMock } from 'react-avatar-keepalive/testing'
import { MOCK_BASE_URL, MOCK_SESSION } from '../lib/avatarConfig'

const api = createAvatarApiMock({
  sessions: { [MOCK_SESSION.sessionId]: MOCK_SESSION.token },
  baseUrl: MOCK_BASE_URL,
})
const worker = setupWorker(...api.handlers)
let started: Promise<unknown> | undefined

/** Starts the mock avatar API's service worker, once (StrictMode runs effects twice). */
export function startMockApi(): Promise<unknown> {
  return (started ??= worker.start({ onUnhandledRequest: 'bypass', quiet: true }))
}
