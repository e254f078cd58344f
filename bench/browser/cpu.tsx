import { createRoot } from 'react-dom/client'
import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import { keepAvatarSessionAlive } from 'react-avatar-keepalive/core'
import { useEffect, type ComponentType } from 'react'
import { IMPLEMENTATIONS, type ConsumerProps, type ImplementationName } from '../implementations'

/** Ours without cross-tab coordination (no Web Lock, no BroadcastChannel): what that costs. */
function OursAlone({ sessionId, token, interval }: ConsumerProps) {
  useAvatarKeepAlive(sessionId, token, { interval, crossTab: false })
  return null
}

/** The same engine on the core's plain timers instead of a TanStack Query observer: what that costs. */
function OursOnTimers({ sessionId, token, interval }: ConsumerProps) {
  useEffect(() => {
    const keepAlive = keepAvatarSessionAlive(sessionId, token, { interval, crossTab: false })
    return keepAlive.stop
  }, [sessionId, token, interval])
  return null
}

const CONSUMERS: Record<Variant, ComponentType<ConsumerProps>> = {
  ...IMPLEMENTATIONS,
  'ours-alone': OursAlone,
  'ours-on-timers': OursOnTimers,
}

export type Variant = ImplementationName | 'ours-alone' | 'ours-on-timers'

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
