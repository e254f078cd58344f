import { setupWorker } from 'msw/browser'
import { api } from './api'

const worker = setupWorker(...api.handlers)

const options = {
  onUnhandledRequest: 'bypass',
  quiet: true,
  serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
} as const

let running = false

/** Starts answering keep-alives from the mock (again). */
export async function startMockWorker(): Promise<void> {
  if (running) return
  await worker.start(options)
  running = true
}

/** Stops the mock: requests reach the network, as they would without msw. */
export function stopMockWorker(): void {
  if (!running) return
  worker.stop()
  running = false
}
