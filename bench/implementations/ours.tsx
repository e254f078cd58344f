import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import type { ConsumerProps } from './ConsumerProps'

export function OursConsumer({ sessionId, token, queryClient, store, interval }: ConsumerProps) {
  useAvatarKeepAlive(sessionId, token, { queryClient, store, interval })
  return null
}
