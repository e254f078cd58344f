import { onlineManager } from '@tanstack/react-query'
import { useSyncExternalStore } from 'react'
import { KeepAliveCard } from '../components/KeepAliveCard'
import type { Meta, StoryContext, StoryObj } from '../story/csf'
import { useArgs } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  simulateOffline: boolean
  interval: number
}

// TanStack Query's default: the browser's online and offline events.
function browserEvents(setOnline: (online: boolean) => void): () => void {
  const online = (): void => setOnline(true)
  const offline = (): void => setOnline(false)
  window.addEventListener('online', online)
  window.addEventListener('offline', offline)
  return () => {
    window.removeEventListener('online', online)
    window.removeEventListener('offline', offline)
  }
}

// While simulated, the browser's events are not heard: a real offline → online would otherwise
// put the hook back online under a toggle that still says offline.
function simulateOffline({ args }: StoryContext<Args>): (() => void) | void {
  if (!args.simulateOffline) return
  onlineManager.setEventListener(() => undefined)
  onlineManager.setOnline(false)
  // Online again as TanStack Query starts (it never reads navigator.onLine, which some machines
  // report false while online): the browser's next event says otherwise.
  return () => {
    onlineManager.setEventListener(browserEvents)
    onlineManager.setOnline(true)
  }
}

function subscribeNavigator(listener: () => void): () => void {
  window.addEventListener('online', listener)
  window.addEventListener('offline', listener)
  return () => {
    window.removeEventListener('online', listener)
    window.removeEventListener('offline', listener)
  }
}

function Offline({ interval, simulateOffline: simulated }: Args) {
  const [, updateArgs] = useArgs<Args>()
  const browserOnline = useSyncExternalStore(subscribeNavigator, () => navigator.onLine)
  const queryOnline = useSyncExternalStore(
    (listener) => onlineManager.subscribe(listener),
    () => onlineManager.isOnline(),
  )
  return (
    <div className="stack">
      <section className="card">
        <h2>Go offline</h2>
        <ol className="steps">
          <li>
            For real: DevTools → <strong>Network</strong> → throttling menu →{' '}
            <strong>Offline</strong>. The browser fires <code>offline</code>; TanStack Query&rsquo;s{' '}
            <code>onlineManager</code> hears it and the hook shows <em>Offline</em>. Switch back to{' '}
            <em>No throttling</em>: it pings at once.
          </li>
          <li>
            Or simulated: the toggle calls <code>onlineManager.setOnline(false)</code>. The network
            stays up; only the hook&rsquo;s idea of it changes.
          </li>
        </ol>
        <div className="actions">
          <button
            type="button"
            className={simulated ? 'primary' : undefined}
            aria-pressed={simulated}
            data-testid="simulate-offline"
            onClick={() => updateArgs({ simulateOffline: !simulated })}
          >
            {simulated ? 'Simulated offline: on (click to go back online)' : 'Simulate offline'}
          </button>
        </div>
        <dl className="facts">
          <div>
            <dt>navigator.onLine</dt>
            <dd>{String(browserOnline)}</dd>
          </div>
          <div>
            <dt>onlineManager.isOnline()</dt>
            <dd data-testid="query-online">
              {String(queryOnline)}
              {simulated && ' (simulated)'}
            </dd>
          </div>
        </dl>
      </section>
      <KeepAliveCard session="session-a" options={{ interval }} />
    </div>
  )
}

export default {
  title: 'Scenarios/Offline',
  id: 'scenario-offline',
  component: Offline,
  args: { simulateOffline: false, interval: 2000 },
  argTypes: {
    simulateOffline: {
      description: 'Simulated: `onlineManager.setOnline(false)`; the network itself stays up',
    },
    interval: intervalArg,
  },
  beforeEach: simulateOffline,
  parameters: {
    docs: {
      description: {
        component:
          'Offline, the hook sends nothing and shows `offline` (a gap on the timeline); back online it pings at once. Offline for longer than the server timeout, that ping gets 410.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
