import { KeepAliveCard } from '../components/KeepAliveCard'
import { api } from '../mock/api'
import type { Meta, StoryContext, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  pingsBeforeEnd: number
  interval: number
}

const SESSION = 'session-a'

function successes(): number {
  return api.requests.filter(
    (entry) =>
      entry.sessionId === SESSION && entry.endpoint === 'keep-alive' && entry.status === 200,
  ).length
}

// The server really ends the session (`api.end`) once it has answered N keep-alives, so every
// later keep-alive gets a genuine 410, not an injected one.
function endAfterPings({ args }: StoryContext<Args>): () => void {
  const endIfDue = (): void => {
    if (successes() >= args.pingsBeforeEnd) api.end(SESSION)
  }
  endIfDue()
  return api.subscribe(endIfDue)
}

function SessionExpires({ interval }: Args) {
  const demo = useDemo()
  return (
    <KeepAliveCard
      session={SESSION}
      options={{ interval }}
      logExpired
      actions={
        <button type="button" onClick={() => api.end(SESSION)} disabled={demo.mode !== 'mock'}>
          End the session on the server now
        </button>
      }
    />
  )
}

export default {
  title: 'Scenarios/Session expires',
  id: 'scenario-session-expires',
  component: SessionExpires,
  args: { pingsBeforeEnd: 3, interval: 2000 },
  argTypes: {
    pingsBeforeEnd: {
      description: 'The mock ends the session (`api.end`) after this many successful keep-alives',
      control: { type: 'number', min: 0, max: 50, step: 1 },
    },
    interval: intervalArg,
  },
  beforeEach: endAfterPings,
  parameters: {
    docs: {
      description: {
        component:
          'The server ends the session after N keep-alives: the next one gets 410, the status becomes `expired`, `onExpired` fires once, and no request is ever sent again (the timeline stops).',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
