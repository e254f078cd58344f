import { useAvatarKeepAlive } from 'react-avatar-keepalive'
import type { ConsumerProps } from './ConsumerProps'

export function OursConsumer({ sessionId, token, queryClient, store }: ConsumerProps) {
  useAvatarKeepAlive(sessionId, token, { queryClient, store })
  return null
}
