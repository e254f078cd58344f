import type { Connection } from './DemoContext'

// A demo window opened by another one (the "Two tabs" story) gets the opener's real endpoint,
// token included, by `postMessage` between the two same-origin windows: in memory only, never in
// the URL or any storage. The new window says it is ready; its opener answers with the connection.

type RealConnection = Extract<Connection, { mode: 'real' }>

interface Ready {
  type: 'react-avatar-keepalive-demo:ready'
}

interface Connect {
  type: 'react-avatar-keepalive-demo:connect'
  connection: RealConnection
}

const READY: Ready['type'] = 'react-avatar-keepalive-demo:ready'
const CONNECT: Connect['type'] = 'react-avatar-keepalive-demo:connect'

function fromSameOrigin(event: MessageEvent): boolean {
  return event.origin === window.location.origin
}

/**
 * In a window opened by a demo window: asks the opener for its real endpoint and calls `onConnect`
 * with it (once). Returns the cleanup.
 */
export function receiveConnection(onConnect: (connection: RealConnection) => void): () => void {
  const opener = window.opener as Window | null
  if (!opener) return () => {}
  let received = false
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as Partial<Connect> | null
    if (received || !fromSameOrigin(event) || event.source !== opener) return
    if (data?.type !== CONNECT || data.connection?.mode !== 'real') return
    received = true
    onConnect(data.connection)
  }
  window.addEventListener('message', onMessage)
  try {
    opener.postMessage({ type: READY } satisfies Ready, window.location.origin)
  } catch {
    // The opener went away or navigated elsewhere: nothing to hand over.
  }
  return () => window.removeEventListener('message', onMessage)
}

/**
 * In the opener: answers each window of `children` that says it is ready with `connection`.
 * Returns the cleanup.
 */
export function offerConnection(
  children: ReadonlySet<Window>,
  connection: RealConnection,
): () => void {
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as Partial<Ready> | null
    const child = event.source as Window | null
    if (!fromSameOrigin(event) || !child || !children.has(child) || data?.type !== READY) return
    child.postMessage({ type: CONNECT, connection } satisfies Connect, window.location.origin)
  }
  window.addEventListener('message', onMessage)
  return () => window.removeEventListener('message', onMessage)
}
