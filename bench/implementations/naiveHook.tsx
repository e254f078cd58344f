import { useEffect, useState } from 'react'
import type { ConsumerProps } from './ConsumerProps'

type NaiveStatus = 'connecting' | 'alive' | 'error'

/** The keep-alive hook most apps write by hand: an interval in an effect, the status in state. */
export function useNaiveKeepAlive(sessionId: string, token: string, interval = 10_000) {
  const [status, setStatus] = useState<NaiveStatus>('connecting')
  const [lastPing, setLastPing] = useState<number | null>(null)
  useEffect(() => {
    const id = setInterval(async () => {
      try {
        const response = await fetch(
          `https://api.avatar.us.kaltura.ai/v1/avatar-session/${sessionId}/keep-alive`,
          {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: '{}',
          },
        )
        if (!response.ok) throw new Error(`Keep-alive failed: HTTP ${response.status}`)
        setStatus('alive')
        setLastPing(Date.now())
      } catch {
        setStatus('error')
      }
    }, interval)
    return () => clearInterval(id)
  }, [sessionId, token, interval])
  return { status, lastPing }
}

export function NaiveHookConsumer({ sessionId, token, interval }: ConsumerProps) {
  useNaiveKeepAlive(sessionId, token, interval)
  return null
}
