import { useEffect } from 'react'
import type { ConsumerProps } from './ConsumerProps'

/**
 * The vendor's documented manual keep-alive (keep-alive-endpoint.txt, "Manual Keep-Alive"), as is,
 * in a useEffect: first ping after one interval, no status, and the interval cleared on the first
 * error. Only a rejected `fetch` (a network error) counts as an error there: 4xx/5xx answers do not.
 * The one change: `interval` may replace its 10000 ms (row 11 measures with a shorter one).
 */
export function VendorIntervalConsumer({ sessionId, token, interval = 10000 }: ConsumerProps) {
  useEffect(() => {
    // Start keep-alive interval
    const keepAliveInterval = setInterval(async () => {
      try {
        await fetch(`https://api.avatar.us.kaltura.ai/v1/avatar-session/${sessionId}/keep-alive`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
          },
        })
        console.log('Keep-alive sent')
      } catch (error) {
        console.error('Keep-alive failed:', error)
        clearInterval(keepAliveInterval)
      }
    }, interval) // Every 10 seconds

    // Stop when session ends
    return () => clearInterval(keepAliveInterval)
  }, [sessionId, token, interval])
  return null
}
