import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import {
  isTerminalStatus,
  sessionEndText,
  useAvatarKeepAlive,
  useSessionStatus,
} from 'react-avatar-keepalive'
import { formatSeconds } from '../components/format'
import { SessionCard } from '../components/SessionCard'
import { useEventLog } from '../components/useEventLog'
import { useNow } from '../components/useNow'
import type { ArgType, Meta, StoryObj } from '../story/csf'
import { useDemo } from '../story/DemoContext'
import { intervalArg } from './args'

interface Args {
  hiddenTimeout: number
  idleTimeout: number
  idleWarning: number
  interval: number
}

const msArg = (description: string): ArgType => ({
  description,
  control: { type: 'number', min: 0, max: 3_600_000, step: 1000 },
})

function subscribeVisibility(listener: () => void): () => void {
  document.addEventListener('visibilitychange', listener)
  return () => document.removeEventListener('visibilitychange', listener)
}

/** Logs how long the page was hidden each time it comes back. */
function useHiddenSpells(note: (text: string) => void): DocumentVisibilityState {
  const visibility = useSyncExternalStore(subscribeVisibility, () => document.visibilityState)
  const hiddenAt = useRef<number | null>(null)
  useEffect(() => {
    if (visibility === 'hidden') {
      hiddenAt.current = Date.now()
    } else if (hiddenAt.current !== null) {
      note(`The page is visible again after ${formatSeconds(Date.now() - hiddenAt.current)} hidden`)
      hiddenAt.current = null
    }
  }, [visibility, note])
  return visibility
}

/**
 * The idle warning with its countdown. Mounted when the warning starts, so that its clock starts
 * then: a clock kept in the story (paused while there is no warning) showed the time of the
 * story's mount at first, e.g. "7 s" left of a 6 s idle timeout, until its next tick.
 */
function IdleWarning({ endsAt, onStillHere }: { endsAt: number; onStillHere: () => void }) {
  const now = useNow(200)
  return (
    <div className="idle-warning" role="alert" data-testid="idle-warning">
      <span>
        No activity: the session ends in{' '}
        <strong data-testid="idle-countdown">{Math.ceil(Math.max(0, endsAt - now) / 1000)}</strong>{' '}
        s
      </span>
      <button type="button" className="primary" onClick={onStillHere} data-testid="still-here">
        I&rsquo;m still here
      </button>
    </div>
  )
}

function UnattendedTab(args: Args) {
  const demo = useDemo()
  // A timeout ends the session for good: on a real endpoint, only when the user says so here.
  const [endRealSession, setEndRealSession] = useState(false)
  const armed = demo.mode === 'mock' || endRealSession
  const { interval, idleWarning } = args
  const hiddenTimeout = armed ? args.hiddenTimeout : 0
  const idleTimeout = armed ? args.idleTimeout : 0
  const { sessionId, token } = demo.session('session-a')
  const log = useEventLog()
  const { note } = log
  const keepAlive = useAvatarKeepAlive(sessionId, token, {
    ...demo.options,
    interval,
    // 0 in the controls means "off", which is `undefined` for the hook.
    hiddenTimeout: hiddenTimeout > 0 ? hiddenTimeout : undefined,
    idleTimeout: idleTimeout > 0 ? idleTimeout : undefined,
    idleWarning,
    onStatusChange: log.onStatusChange,
    onError: log.onError,
    onIdleWarning: (msLeft) => note(`onIdleWarning: ${formatSeconds(msLeft)} left`),
    onExpired: (reason) => note(`onExpired: ${reason ?? 'unknown'}`),
  })
  const { endsAt, missed } = useSessionStatus(sessionId, { store: demo.store })
  const { endReason, status, markActive } = keepAlive
  const ended = isTerminalStatus(status)
  const warning = endsAt !== null && !ended
  const visibility = useHiddenSpells(note)

  return (
    <div className="stack">
      <section className="card">
        <h2>Let go of a session nobody watches</h2>
        {demo.mode === 'real' && (
          <div className="notice" role="note" data-testid="real-timeouts-note">
            <p>
              On a real endpoint these timeouts end your real session (<code>POST …/end</code>), so
              they are off unless you turn them on.
            </p>
            <label>
              <input
                type="checkbox"
                checked={endRealSession}
                onChange={(event) => setEndRealSession(event.target.checked)}
                data-testid="end-real-session"
              />{' '}
              End my real session when idle or hidden
            </label>
          </div>
        )}
        <ul className="steps">
          <li>
            <strong>Idle:</strong>{' '}
            {idleTimeout > 0 ? (
              <>
                no click, key, touch or wheel for {formatSeconds(idleTimeout)} ends the session; a
                warning starts {formatSeconds(Math.min(idleWarning, idleTimeout))} before (from{' '}
                {formatSeconds(Math.max(0, idleTimeout - idleWarning))}).
              </>
            ) : (
              <>off ({armed ? 'idleTimeout 0' : 'real endpoint'}).</>
            )}
          </li>
          <li>
            <strong>Hidden:</strong>{' '}
            {hiddenTimeout > 0 ? (
              <>
                switch to another tab for {formatSeconds(hiddenTimeout)} without coming back and the
                session ends (billing stops); come back sooner and the clock starts again.
              </>
            ) : (
              <>off ({armed ? 'hiddenTimeout 0' : 'real endpoint'}).</>
            )}
          </li>
        </ul>
        {warning && <IdleWarning endsAt={endsAt} onStillHere={markActive} />}
      </section>
      <SessionCard
        title="useAvatarKeepAlive"
        sessionId={sessionId}
        keepAlive={keepAlive}
        events={log.events}
        actions={
          <button type="button" onClick={markActive} disabled={ended} data-testid="mark-active">
            markActive()
          </button>
        }
      >
        <dl className="facts facts--four">
          <div>
            <dt>endReason</dt>
            <dd data-testid="end-reason">{endReason ?? '—'}</dd>
          </div>
          <div>
            <dt>endsAt</dt>
            <dd data-testid="ends-at">
              {endsAt === null ? 'null' : new Date(endsAt).toLocaleTimeString()}
            </dd>
          </div>
          <div>
            <dt>page</dt>
            <dd>{visibility}</dd>
          </div>
          <div className="facts__error">
            <dt>why it ended (the badge&rsquo;s tooltip)</dt>
            <dd data-testid="end-text">{endReason ? sessionEndText(endReason, missed) : '—'}</dd>
          </div>
        </dl>
      </SessionCard>
    </div>
  )
}

export default {
  title: 'Scenarios/Unattended tab',
  id: 'scenario-unattended-tab',
  component: UnattendedTab,
  args: { hiddenTimeout: 30_000, idleTimeout: 60_000, idleWarning: 20_000, interval: 2000 },
  argTypes: {
    hiddenTimeout: msArg(
      '`hiddenTimeout`: end the session after the page was hidden this long without a break, in ms (0: off)',
    ),
    idleTimeout: msArg(
      '`idleTimeout`: end the session after this long without user activity, in ms (0: off)',
    ),
    idleWarning: msArg('`idleWarning`: `onIdleWarning` fires this long before the idle end, in ms'),
    interval: intervalArg,
  },
  parameters: {
    docs: {
      description: {
        component:
          'Avatar sessions are billed by the minute: a tab left open should not keep one alive for hours. `hiddenTimeout` ends the session (`endAvatarSession`) once the page has been hidden that long without a break; `idleTimeout` ends it after that long without a click, key, touch or wheel, with `onIdleWarning` and a countdown (`endsAt`) from `idleWarning` before. `markActive()` counts as activity for what the page cannot see (a user speaking); here the button calls it, though a click anywhere also counts. Once ended, `endReason` says why, and so does the badge\u2019s tooltip.',
      },
    },
  },
} satisfies Meta<Args>

export const Default: StoryObj<Args> = {}
