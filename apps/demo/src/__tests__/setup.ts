import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, vi } from 'vitest'
import { api } from '../mock/api'
import { realApi } from './realApi'

// Node has no service worker: msw's node server answers with the same handlers instead.
vi.mock('../mock/worker', () => ({ startMockWorker: async () => {}, stopMockWorker: () => {} }))

Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true })

const server = setupServer(...api.handlers, ...realApi.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => realApi.reset())
afterAll(() => server.close())
