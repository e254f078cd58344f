import { SessionStatusBadge, useAvatarKeepAlive } from 'react-avatar-keepalive'
import { useNow } from '../components/useNow'
import { MOCK_SESSION_IDS } from '../mock/api'
import { useRequests } from '../mock/requestLog'
import type { Meta, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  badges: number
  hookUsers: number
  sessions: number
  interval: number
}

function HookUser({
  index,
  sessionCount,
  interval,
}: {
  index: number
  sessionCount: number
  interval: number
}) {
  const demo = useDemo()
  const { sessionId, token } = demo.session(MOCK_SESSION_IDS[index % sessionCount])
  const { status } = useAvatarKeepAlive(sessionId, token, { ...demo.options, interval })
  return (
    <li className="consumer" data-testid="hook-user" data-status={status}>
      <span className="consumer__name">hook #{index + 1}</span>
      <code>{sessionId}</code>
      <span className="consumer__status">{status}</span>
    </li>
  )
}

function ManyConsumers({ badges, hookUsers, sessions, interval }: Args) {
  const demo = useDemo()
  const sessionCount =
    demo.mode === 'mock' ? Math.min(Math.max(1, sessions), MOCK_SESSION_IDS.length) : 1
  const requests = useRequests(demo.requests)
  const now = useNow(250)
  const keepAlives = requests.filter((entry) => entry.endpoint === 'keep-alive')
  const recent = keepAlives.filter((entry) => entry.at > now - interval).length
  return (
    <div className="stack">
      <div className="stats">
        <div>
          <span className="stats__value">{badges + hookUsers}</span>
          <span className="stats__label">consumers</span>
        </div>
        <div>
          <span className="stats__value">{sessionCount}</span>
          <span className="stats__label">{sessionCount === 1 ? 'session' : 'sessions'}</span>
        </div>
        <div>
          <span className="stats__value" data-testid="consumers-last-interval">
            {recent}
          </span>
          <span className="stats__label">requests in the last interval ({interval / 1000} s)</span>
        </div>
        <div>
          <span className="stats__value">{keepAlives.length}</span>
          <span className="stats__label">keep-alives in all</span>
        </div>
      </div>
      <section className="card">
        <h2>{hookUsers} components calling useAvatarKeepAlive</h2>
        <ul className="consumer-grid">
          {Array.from({ length: hookUsers }, (_, index) => (
            <HookUser key={index} index={index} sessionCount={sessionCount} interval={interval} />
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{badges} badges reading the store</h2>
        <div className="badge-wall" data-testid="badge-wall">
          {Array.from({ length: badges }, (_, index) => {
            const { sessionId } = demo.session(MOCK_SESSION_IDS[index % sessionCount])
            return <SessionStatusBadge key={index} sessionId={sessionId} store={demo.store} />
          })}
        </div>
      </section>
    </div>
  )
}

export default {
  title: 'Hook/Many consumers',
  id: 'hook-many-consumers',
  component: ManyConsumers,
  args: { badges: 50, hookUsers: 10, sessions: 1, interval: 2000 },
  argTypes: {
    badges: {
      description: 'How many `<SessionStatusBadge>`s',
      control: { type: 'number', min: 0, max: 200, step: 10 },
    },
    hookUsers: {
      description: 'How many components call the hook',
      control: { type: 'number', min: 0, max: 50, step: 1 },
    },
    sessions: {
      description: 'Spread the consumers over this many sessions (mock only)',
      control: 'radio',
      options: [1, 2, 3],
    },
    interval: intervalArg,
  },
  parameters: {
    docs: {
      description: {
        component:
          'Many components use the same session, yet there is one keep-alive per interval per session: every hook joins one TanStack query keyed by the session id, and badges only read the store.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
