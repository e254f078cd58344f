import { useState } from 'react'
import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import { SessionCard } from '../components/SessionCard'
import { useEventLog } from '../components/useEventLog'
import { api, MOCK_SESSIONS } from '../mock/api'
import type { Meta, StoryContext, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  pingsBeforeRevoke: number
  interval: number
}

const SESSION = 'session-a'
let revocations = 0

function revokeToken(): void {
  revocations += 1
  api.setToken(SESSION, `revoked-server-side-${revocations}`)
}

// The server stops accepting the client's token once it has answered N keep-alives: from then on
// every keep-alive gets 401, as when a session token expires.
function revokeAfterPings({ args }: StoryContext<Args>): () => void {
  return api.subscribe((entry) => {
    if (entry?.sessionId !== SESSION || entry.status !== 200) return
    const ok = api.requests.filter((r) => r.sessionId === SESSION && r.status === 200).length
    if (ok === args.pingsBeforeRevoke) revokeToken()
  })
}

function TokenExpires({ interval }: Args) {
  const demo = useDemo()
  const session = demo.session(SESSION)
  const [token, setToken] = useState<{ value: string; version: number }>({
    value: session.token,
    version: 1,
  })
  const log = useEventLog()
  const keepAlive = useAvatarKeepAlive(session.sessionId, token.value, {
    ...demo.options,
    interval,
    onStatusChange: log.onStatusChange,
    onError: log.onError,
  })
  const rotate = (): void => {
    const version = token.version + 1
    // What an app does on 401: get a new token from its backend, give it to the server and the hook.
    const value = `${MOCK_SESSIONS[SESSION]}-v${version}`
    api.setToken(SESSION, value)
    setToken({ value, version })
    log.note(`token rotated to v${version}`)
  }
  const mock = demo.mode === 'mock'
  return (
    <SessionCard
      title="useAvatarKeepAlive"
      sessionId={session.sessionId}
      keepAlive={keepAlive}
      events={log.events}
      actions={
        <>
          <button type="button" onClick={revokeToken} disabled={!mock}>
            Revoke the token on the server
          </button>
          <button
            type="button"
            className="primary"
            data-testid="rotate-token"
            onClick={rotate}
            disabled={!mock}
          >
            Rotate token
          </button>
        </>
      }
    >
      <p className="hint">
        Client token: <strong data-testid="token-version">v{token.version}</strong> (values are
        never shown). After a 401 the hook sends nothing until the token changes: the timeline stays
        empty until you rotate, and the mock server&rsquo;s idle timeout keeps counting.
      </p>
    </SessionCard>
  )
}

export default {
  title: 'Scenarios/Token expires',
  id: 'scenario-token-expires',
  component: TokenExpires,
  args: { pingsBeforeRevoke: 3, interval: 2000 },
  argTypes: {
    pingsBeforeRevoke: {
      description: 'The mock stops accepting the token after this many successful keep-alives',
      control: { type: 'number', min: 1, max: 50, step: 1 },
    },
    interval: intervalArg,
  },
  beforeEach: revokeAfterPings,
  parameters: {
    docs: {
      description: {
        component:
          'The token is refused (401): the status becomes `unauthorized` and pinging pauses. "Rotate token" gives the mock a new token (`api.setToken`) and passes it to the hook, which pings at once and recovers.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
