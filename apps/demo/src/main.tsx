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
  try {
    await startMockWorker()
    worker = { state: 'running' }
  } catch (error) {
    worker = { state: 'failed', message: error instanceof Error ? error.message : String(error) }
  }
  const root = document.getElementById('root')
  if (!root) throw new Error('#root is missing from index.html')
  createRoot(root).render(
    <StrictMode>
      <App initialWorker={worker} />
    </StrictMode>,
  )
  if (worker.state === 'running') window.__demoReady = true
}

void boot()
