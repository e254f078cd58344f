import 'react-avatar-keepalive/styles.css'
import './app.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { startMockWorker } from './mock/worker'
import type { WorkerState } from './panels/SettingsPanel'
import { stories } from './story/registry'
import { storyHref } from './story/route'

const DEFAULT_STORY = 'hook-healthy'

async function boot(): Promise<void> {
  if (!window.location.hash) {
    const first = stories.find((story) => story.id === DEFAULT_STORY) ?? stories[0]
    if (first) window.history.replaceState(null, '', storyHref(first.id))
  }
  // The worker must answer before the first story sends its first keep-alive.
  let worker: WorkerState
  if (new URLSearchParams(window.location.search).get('mock') === 'off') {
    if (await leaveServiceWorker()) return
    worker = { state: 'stopped' }
  } else {
    try {
      await startMockWorker()
      worker = { state: 'running' }
    } catch (error) {
      worker = { state: 'failed', message: error instanceof Error ? error.message : String(error) }
    }
  }
  const root = document.getElementById('root')
  if (!root) throw new Error('#root is missing from index.html')
  createRoot(root).render(
    <StrictMode>
      <App initialWorker={worker} />
    </StrictMode>,
  )
  if (worker.state !== 'failed') window.__demoReady = true
}

/**
 * `?mock=off`, for a real endpoint: no service worker between the page and the network. A page a
 * service worker controls sends every fetch through it, real ones too, and Firefox may run that
 * worker in another tab's process: a long task there held this tab's keep-alives until it ended.
 * Unregisters the mock's worker and reloads once if it controls this page (`true`: reloading).
 */
const RELOADED = 'mock-off-reloaded'

async function leaveServiceWorker(): Promise<boolean> {
  const container = navigator.serviceWorker
  if (!container) return false
  for (const registration of await container.getRegistrations()) await registration.unregister()
  // Once, not for good: a page that is later under the worker again (Settings → mock) may leave it.
  if (!container.controller) sessionStorage.removeItem(RELOADED)
  if (!container.controller || sessionStorage.getItem(RELOADED)) return false
  sessionStorage.setItem(RELOADED, '1')
  window.location.reload()
  return true
}

void boot()
