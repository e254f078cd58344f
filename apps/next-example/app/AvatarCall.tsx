'use client'
import { useState } from 'react'
import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import { AVATAR_BASE_URL } from '../lib/avatarConfig'
import type { AvatarSession } from '../lib/getAvatarSession'
import { useApiReady } from './Providers'

/** Where the avatar's video would play. The keep-alive runs while this component is mounted. */
export function AvatarCall({ sessionId, token }: AvatarSession) {
  const apiReady = useApiReady()
  const [paused, setPaused] = useState(false)
  const { status, isAlive, error, ping } = useAvatarKeepAlive(sessionId, token, {
    baseUrl: AVATAR_BASE_URL,
    // In mock mode, wait for msw's worker: a keep-alive sent before it runs would reach Next (404).
    enabled: apiReady && !paused,
  })

  return (
    <section className="call" aria-labelledby="call-title">
      <h1 id="call-title">Avatar call</h1>
      <div className={isAlive ? 'stage stage-live' : 'stage'} aria-hidden="true" />
      <dl>
        <dt>Session</dt>
        <dd>
          <code>{sessionId || 'none'}</code>
        </dd>
        <dt>Hook status</dt>
        <dd data-testid="hook-status">{status}</dd>
        <dt>Last error</dt>
        <dd>{error?.message ?? 'none'}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void ping()} disabled={!apiReady || paused}>
          Ping now
        </button>
        <button type="button" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume keep-alive' : 'Pause keep-alive'}
        </button>
      </div>
    </section>
  )
}
