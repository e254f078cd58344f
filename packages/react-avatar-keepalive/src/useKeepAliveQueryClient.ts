'use client'
import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { useContext, useEffect, useMemo } from 'react'

let fallbackClient: QueryClient | undefined

/**
 * The QueryClient keep-alives run on: the one given, else the app's, else a private one, so the
 * hook works without a `QueryClientProvider`. Mounted while in use, as a provider would, so that it
 * hears focus and reconnect events.
 */
export function useKeepAliveQueryClient(queryClient?: QueryClient): QueryClient {
  const contextClient = useContext(QueryClientContext)
  const client = useMemo(
    () => queryClient ?? contextClient ?? (fallbackClient ??= new QueryClient()),
    [queryClient, contextClient],
  )
  useEffect(() => {
    client.mount()
    return () => client.unmount()
  }, [client])
  return client
}
