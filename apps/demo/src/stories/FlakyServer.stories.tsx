import type { MockAnswer } from 'react-avatar-keepalive/testing'
import { KeepAliveCard } from '../components/KeepAliveCard'
import { api } from '../mock/api'
import type { Meta, StoryContext, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg, retryArg } from './args'

type Failure = '500' | '503' | '429' | '404' | '400' | 'network-error' | 'malformed' | 'mixed'

interface Args {
  failureRate: number
  failure: Failure
  seed: number
  retry: boolean
  interval: number
}

const FAILURE_ANSWERS: Record<Failure, MockAnswer[]> = {
  '500': [500],
  '503': [503],
  '429': [{ status: 429, headers: { 'Retry-After': '1' } }],
  '404': [404],
  '400': [400],
  'network-error': ['network-error'],
  malformed: ['malformed'],
  mixed: [500, 503, 'network-error', { status: 429, headers: { 'Retry-After': '1' } }],
}

function applyFailureRate({ args }: StoryContext<Args>): void {
  api.setFailureRate(args.failureRate, { seed: args.seed, answers: FAILURE_ANSWERS[args.failure] })
}

function FlakyServer({ interval, retry }: Args) {
  const demo = useDemo()
  return (
    <KeepAliveCard
      session="session-a"
      options={{ interval, retry }}
      logExpired
      actions={
        <button
          type="button"
          onClick={() => api.queue(503, 503, 503)}
          disabled={demo.mode !== 'mock'}
        >
          Queue 3 × 503
        </button>
      }
    />
  )
}

export default {
  title: 'Scenarios/Flaky server',
  id: 'scenario-flaky-server',
  component: FlakyServer,
  args: { failureRate: 0.3, failure: '500', seed: 1, retry: true, interval: 2000 },
  argTypes: {
    failureRate: {
      description: 'Share of keep-alives that fail (`api.setFailureRate`)',
      control: { type: 'range', min: 0, max: 1, step: 0.05 },
    },
    failure: {
      description: 'What a failure answers',
      control: {
        type: 'select',
        labels: {
          '500': '500 Internal server error',
          '503': '503 Service unavailable',
          '429': '429 with Retry-After: 1',
          '404': '404 Session not found (ends it)',
          '400': '400 Bad request (pauses it)',
          'network-error': 'network error',
          malformed: '200 with an HTML body',
          mixed: 'a mix of these',
        },
      },
      options: ['500', '503', '429', '404', '400', 'network-error', 'malformed', 'mixed'],
    },
    seed: {
      description: 'Seed of the failures: the same seed fails the same requests',
      control: { type: 'number', min: 1, step: 1 },
    },
    retry: retryArg,
    interval: intervalArg,
  },
  beforeEach: applyFailureRate,
  parameters: {
    docs: {
      description: {
        component:
          'Some keep-alives fail. A failure makes the session `degraded` and is retried after about 1 s, 2 s, 4 s… (never beyond half the interval); the next success brings it back to `alive`. Failed attempts show as amber ticks, retries as ticks closer than the interval. A 404 or a 400 is not retried: the session is `not-found` (for good) or `error` (until another token).',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
