import { useState, type CSSProperties } from 'react'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  createAvatarSessionStore,
  IDLE_SNAPSHOT,
  SessionStatusBadge,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
} from 'react-avatar-keepalive'
import type { Meta, StoryObj } from '../story/csf'

interface Args {
  showLastPing: boolean
  labels: 'default' | 'custom'
  size: 'small' | 'medium' | 'large'
}

const DESCRIPTIONS: Record<AvatarSessionStatus, string> = {
  idle: 'no session id or token yet',
  connecting: 'first keep-alive on its way',
  alive: 'last keep-alive succeeded',
  degraded: 'a retryable failure; retrying',
  offline: 'browser offline; pings on reconnect',
  expired: 'server ended the session (410)',
  'not-found': 'server does not know it (404)',
  unauthorized: 'token refused (401); paused',
  error: 'request refused (400); paused',
  stopped: 'no component keeps it alive',
}

const CUSTOM_LABELS: Partial<Record<AvatarSessionStatus, string>> = {
  alive: 'Connected',
  degraded: 'Weak connection',
  expired: 'Call ended',
  unauthorized: 'Sign in again',
}

const FONT_SIZES = { small: '0.75rem', medium: '0.875rem', large: '1.05rem' }

// Puts each `badge-<status>` session in its status by setting its snapshot.
function driveEveryStatus(store: AvatarSessionStore): void {
  const now = Date.now()
  const failed = (kind: AvatarKeepAliveError['kind'], httpStatus: number | null) => ({
    consecutiveFailures: 1,
    error: new AvatarKeepAliveError({ kind, httpStatus }),
  })
  const aliveAt = (ago: number) => ({ lastAttemptAt: now - ago, lastAliveAt: now - ago })
  const snapshots: Record<AvatarSessionStatus, Partial<AvatarSessionSnapshot>> = {
    idle: {},
    connecting: { lastAttemptAt: now },
    alive: { ...aliveAt(4_000), isAlive: true },
    degraded: { ...aliveAt(12_000), isAlive: true, ...failed('server', 503) },
    offline: aliveAt(8_000),
    expired: { endReason: 'server', ...failed('expired', 410) },
    'not-found': { endReason: 'not-found', ...failed('not-found', 404) },
    unauthorized: failed('unauthorized', 401),
    error: failed('bad-request', 400),
    stopped: aliveAt(30_000),
  }
  for (const status of AVATAR_SESSION_STATUSES) {
    if (status === 'idle') continue
    store
      .session(`badge-${status}`)
      .setState({ ...IDLE_SNAPSHOT, ...snapshots[status], status }, true)
  }
}

function AllStatuses({ showLastPing, labels, size }: Args) {
  const [store] = useState(() => {
    const created = createAvatarSessionStore({ crossTab: null })
    driveEveryStatus(created)
    return created
  })
  const style = { '--rak-badge-font-size': FONT_SIZES[size] } as CSSProperties
  return (
    <div className="badge-matrix" style={style}>
      {(['light', 'dark'] as const).map((scheme) => (
        <section
          key={scheme}
          className="badge-matrix__column"
          data-scheme={scheme}
          data-testid={`badges-${scheme}`}
        >
          <h2>{scheme === 'light' ? 'Light' : 'Dark'}</h2>
          <ul>
            {AVATAR_SESSION_STATUSES.map((status) => (
              <li key={status}>
                <code>{status}</code>
                <SessionStatusBadge
                  sessionId={`badge-${status}`}
                  store={store}
                  showLastPing={showLastPing}
                  labels={labels === 'custom' ? CUSTOM_LABELS : undefined}
                />
                <span className="muted">{DESCRIPTIONS[status]}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )
}

export default {
  title: 'Badge/All statuses',
  id: 'badge-all-statuses',
  component: AllStatuses,
  args: { showLastPing: true, labels: 'default', size: 'medium' },
  argTypes: {
    showLastPing: { description: '`showLastPing`: adds "last ping N s ago" where known' },
    labels: {
      description: '`labels`: the default text, or a few statuses renamed',
      control: 'radio',
      options: ['default', 'custom'],
    },
    size: {
      description: '`--rak-badge-font-size`, one of the CSS custom properties',
      control: 'select',
      options: ['small', 'medium', 'large'],
    },
  },
  parameters: {
    docs: {
      description: {
        component:
          'Every status of `<SessionStatusBadge>`, each one a session of a dedicated store put in its status with `store.session(id).setState({ ...IDLE_SNAPSHOT, status, … }, true)`, in a forced light and a forced dark scheme (`--rak-badge-color-scheme`). No request is sent.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
