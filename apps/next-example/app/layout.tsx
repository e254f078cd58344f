import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { SessionStatusBadge } from 'react-avatar-keepalive'
import 'react-avatar-keepalive/styles.css'
import { getAvatarSession } from '../lib/getAvatarSession'
import './globals.css'
import { Providers } from './Providers'

export const metadata: Metadata = {
  title: 'react-avatar-keepalive · Next.js example',
}

// A Server Component. SessionStatusBadge comes from the package's root entry, marked 'use client':
// it is server-rendered here as Idle, then hydrates and follows the store that the hook in
// AvatarCall (a Client Component further down) writes to.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const { sessionId } = await getAvatarSession()
  return (
    <html lang="en">
      <body>
        <header>
          <span className="brand">react-avatar-keepalive · Next.js</span>
          <SessionStatusBadge sessionId={sessionId} />
        </header>
        <Providers>{children}</Providers>
      </body>
    </html>
  )
}
