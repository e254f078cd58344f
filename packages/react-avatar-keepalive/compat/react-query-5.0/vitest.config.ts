import { compatProject } from '../compatProject.ts'

// The lowest TanStack Query the peer range allows, with React 18 (its peer then). Four files stage
// their host through TanStack Query's environmentManager or timeoutManager, which 5.0 does not
// have: the host without a DOM (noDom, recipes.native: TanStack told it is no server, as React
// Native's window tells it), a host with a window TanStack takes for a server (Deno with a DOM
// shim: useAvatarKeepAlive.server) and the app's timer provider (queryTimers). What they check runs in
// the other projects; here TanStack cannot be told.
export default compatProject(
  'react-query 5.0',
  import.meta.url,
  { react: '18', zustand: '5', query: '5.0.0' },
  [
    'src/__tests__/noDom.test.tsx',
    'src/__tests__/recipes.native.test.tsx',
    'src/__tests__/queryTimers.test.tsx',
    'src/__tests__/useAvatarKeepAlive.server.test.tsx',
  ],
)
