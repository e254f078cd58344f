import { useLayoutEffect, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { IMPLEMENTATIONS, type ImplementationName } from '../implementations'

interface FirstRequestTiming {
  /** `performance.now()` when the consumer mounted (its commit). */
  mountedAt: number | null
  /** `performance.now()` when the first keep-alive called `fetch`. */
  firstFetchAt: number | null
}

declare global {
  interface Window {
    firstRequestTiming: FirstRequestTiming
    mountConsumer: (impl: ImplementationName) => void
  }
}

const timing: FirstRequestTiming = { mountedAt: null, firstFetchAt: null }
window.firstRequestTiming = timing

// No network: the stub answers every keep-alive at once, as the API would on success.
window.fetch = async () => {
  timing.firstFetchAt ??= performance.now()
  return new Response('{"success":true}', { headers: { 'Content-Type': 'application/json' } })
}

// A parent's layout effect runs in the commit, after its children mounted and before their
// passive effects (where every implementation starts its keep-alive).
function MountProbe({ children }: { children: ReactNode }) {
  useLayoutEffect(() => {
    timing.mountedAt ??= performance.now()
  }, [])
  return children
}

// Called by the runner once the page has loaded and settled, so page-load work does not delay
// the mount's effects.
window.mountConsumer = (impl: ImplementationName) => {
  const Consumer = IMPLEMENTATIONS[impl]
  createRoot(document.getElementById('root')!).render(
    <MountProbe>
      <Consumer sessionId="s1" token="token-1" />
    </MountProbe>,
  )
}
