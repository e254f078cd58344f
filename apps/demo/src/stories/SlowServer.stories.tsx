import { KeepAliveCard } from '../components/KeepAliveCard'
import { api } from '../mock/api'
import type { Meta, StoryContext, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  latency: number
  timeout: number
  interval: number
}

// The mock's `latency` is fixed at creation, so every answer gets an injected delay instead.
function applyLatency({ args }: StoryContext<Args>): void {
  if (args.latency > 0) api.setFailureRate(1, { answers: [{ delay: args.latency }] })
  else api.setFailureRate(0)
}

function SlowServer({ interval, timeout }: Args) {
  const demo = useDemo()
  return (
    <KeepAliveCard
      session="session-a"
      options={{ interval, timeout }}
      actions={
        <button type="button" onClick={() => api.queue('hang')} disabled={demo.mode !== 'mock'}>
          Next request hangs
        </button>
      }
    />
  )
}

export default {
  title: 'Scenarios/Slow server and timeouts',
  id: 'scenario-slow-server',
  component: SlowServer,
  args: { latency: 1500, timeout: 1000, interval: 5000 },
  argTypes: {
    latency: {
      description: 'How long the mock takes to answer, in ms (an injected `{ delay }`)',
      control: { type: 'range', min: 0, max: 4000, step: 100 },
    },
    timeout: {
      description: '`timeout`: the hook aborts a request after this many ms (must be < interval)',
      control: { type: 'range', min: 250, max: 4000, step: 250 },
    },
    interval: intervalArg,
  },
  beforeEach: applyLatency,
  parameters: {
    docs: {
      description: {
        component:
          'Latency against the `timeout` option. Slower than the timeout: the hook aborts each request, counts a `timeout` failure and retries, so the session stays `degraded` (msw never tells the mock about the abort, so its late answer is logged struck through). Faster: the latency is the bar after each tick.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
