import { KeepAliveCard } from '../components/KeepAliveCard'
import type { Meta, StoryObj } from '../story/csf'
import { intervalArg, retryArg } from './args'

interface Args {
  interval: number
  retry: boolean
  enabled: boolean
}

function HealthySession({ interval, retry, enabled }: Args) {
  return <KeepAliveCard session="session-a" options={{ interval, retry, enabled }} logExpired />
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
