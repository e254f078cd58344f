'use client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { USE_MOCK_API } from '../lib/avatarConfig'

const ApiReadyContext = createContext(false)

/** Whether keep-alives may start: at once against a real API, once the mock's worker runs. */
export function useApiReady(): boolean {
  return useContext(ApiReadyContext)
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient())
  const [apiReady, setApiReady] = useState(!USE_MOCK_API)

  useEffect(() => {
    if (!USE_MOCK_API) return
    let mounted = true
    // Loaded on demand: a build without the mock never downloads msw.
    import('../mocks/startMockApi')
      .then(({ startMockApi }) => startMockApi())
      .then(
        () => mounted && setApiReady(true),
        (error: unknown) => console.error('The mock avatar API did not start:', error),
      )
    return () => {
      mounted = false
    }
  }, [])

  return (
    <QueryClientProvider client={queryClient}>
      <ApiReadyContext.Provider value={apiReady}>{children}</ApiReadyContext.Provider>
    </QueryClientProvider>
  )
}
