import { createRoot } from 'react-dom/client'
import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import type { ComponentType } from 'react'
import { IMPLEMENTATIONS, type ConsumerProps, type ImplementationName } from '../implementations'

/** Ours without cross-tab coordination (no Web Lock, no BroadcastChannel): what that costs. */
function OursAlone({ sessionId, token, interval }: ConsumerProps) {
  useAvatarKeepAlive(sessionId, token, { interval, crossTab: false })
  return null
}

const CONSUMERS: Record<Variant, ComponentType<ConsumerProps>> = {
  ...IMPLEMENTATIONS,
  'ours-alone': OursAlone,
}

export type Variant = ImplementationName | 'ours-alone'

declare global {
  interface Window {
    /** Mounts `count` consumers of `impl`, one session each, keeping alive every `interval` ms. */
    mountSessions: (impl: Variant, count: number, interval: number) => void
    /** Keep-alives sent so far. */
    keepAlives: () => number
  }
}

let sent = 0
window.keepAlives = () => sent

// No network: the stub answers every keep-alive at once, as the API would on success.
window.fetch = async () => {
  sent++
  return new Response('{"success":true}', { headers: { 'Content-Type': 'application/json' } })
}

window.mountSessions = (impl, count, interval) => {
  const Consumer = CONSUMERS[impl]
  createRoot(document.getElementById('root')!).render(
    Array.from({ length: count }, (_, i) => (
      <Consumer key={i} sessionId={`session-${i}`} token={`token-${i}`} interval={interval} />
    )),
  )
}
