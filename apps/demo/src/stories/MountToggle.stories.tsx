import { SessionStatusBadge, useAvatarKeepAlive } from 'react-avatar-keepalive'
import { ServerSessionInfo } from '../components/ServerSessionInfo'
import type { Meta, StoryObj } from '../story/csf'
import { useArgs, useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  consumerA: boolean
  consumerB: boolean
  interval: number
}

function Consumer({ name, interval }: { name: string; interval: number }) {
  const demo = useDemo()
  const { sessionId, token } = demo.session('session-a')
  const { status } = useAvatarKeepAlive(sessionId, token, { ...demo.options, interval })
  return (
    <p className="consumer-box__body" data-testid={`consumer-${name}`}>
      mounted · <code>useAvatarKeepAlive</code> returns <strong>{status}</strong>
    </p>
  )
}

function MountToggle({ consumerA, consumerB, interval }: Args) {
  const demo = useDemo()
  const [, updateArgs] = useArgs<Args>()
  const { sessionId } = demo.session('session-a')
  const consumers = [
    ['A', 'consumerA', consumerA],
    ['B', 'consumerB', consumerB],
  ] as const
  return (
    <div className="stack">
      <section className="card">
        <header className="card__header">
          <h2>
            Outside both consumers: the badge <code>{sessionId}</code>
          </h2>
          <SessionStatusBadge sessionId={sessionId} store={demo.store} showLastPing />
        </header>
        <ServerSessionInfo sessionId={sessionId} />
      </section>
      <div className="two-columns">
        {consumers.map(([name, arg, mounted]) => (
          <section key={name} className="card consumer-box" data-mounted={mounted}>
            <header className="card__header">
              <h2>Consumer {name}</h2>
              <button
                type="button"
                data-testid={`toggle-${name}`}
                aria-pressed={mounted}
                onClick={() => updateArgs({ [arg]: !mounted })}
              >
                {mounted ? 'Unmount' : 'Mount'}
              </button>
            </header>
            {mounted ? (
              <Consumer name={name} interval={interval} />
            ) : (
              <p className="consumer-box__body muted">unmounted</p>
            )}
          </section>
        ))}
      </div>
      <p className="hint">
        One consumer left keeps the keep-alive going. Unmount both: the in-flight request is aborted
        and the badge says <em>Stopped</em>. Mount one again: it pings at once (a stopped session is
        never &ldquo;fresh&rdquo;). Stay unmounted longer than the mock&rsquo;s idle timeout and the
        next ping gets 410.
      </p>
    </div>
  )
}

export default {
  title: 'Hook/Mount and unmount',
  id: 'hook-mount-toggle',
  component: MountToggle,
  args: { consumerA: true, consumerB: true, interval: 3000 },
  argTypes: {
    consumerA: { description: 'Consumer A is mounted' },
    consumerB: { description: 'Consumer B is mounted' },
    interval: intervalArg,
  },
  parameters: {
    docs: {
      description: {
        component:
          'Two components keep the same session alive. Pinging stops only when the last one unmounts, and starts again at once when one mounts.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
