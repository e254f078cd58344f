import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import { SessionCard } from '../components/SessionCard'
import { useEventLog } from '../components/useEventLog'
import type { Meta, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg, retryArg } from './args'

interface Args {
  interval: number
  retry: boolean
  enabled: boolean
}

function HealthySession({ interval, retry, enabled }: Args) {
  const demo = useDemo()
  const { sessionId, token } = demo.session('session-a')
  const log = useEventLog()
  const keepAlive = useAvatarKeepAlive(sessionId, token, {
    ...demo.options,
    interval,
    retry,
    enabled,
    onStatusChange: log.onStatusChange,
    onError: log.onError,
    onExpired: log.onExpired,
  })
  return (
    <SessionCard
      title="useAvatarKeepAlive"
      sessionId={sessionId}
      keepAlive={keepAlive}
      events={log.events}
    />
  )
}

export default {
  title: 'Hook/Healthy session',
  id: 'hook-healthy',
  component: HealthySession,
  args: { interval: 10_000, retry: true, enabled: true },
  argTypes: {
    interval: intervalArg,
    retry: retryArg,
    enabled: { description: '`enabled`: `false` stops pinging as if unmounted' },
  },
  parameters: {
    docs: {
      description: {
        component:
          'A session the server keeps answering 200: the first keep-alive goes out at mount, then one per `interval`. Watch the Requests tab: one tick per interval on the timeline.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
