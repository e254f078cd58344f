import { USE_MOCK_API } from '../lib/avatarConfig'
import { getAvatarSession } from '../lib/getAvatarSession'
import { AvatarCall } from './AvatarCall'

export default async function Home() {
  const session = await getAvatarSession()
  return (
    <main>
      <AvatarCall sessionId={session.sessionId} token={session.token} />
      <p className="note">
        {USE_MOCK_API
          ? 'Mock avatar API: msw answers keep-alives in this browser.'
          : session.sessionId
            ? 'Keep-alives go through /api/avatar, which adds the session token on the server.'
            : 'No session: set AVATAR_SESSION_ID and AVATAR_SESSION_TOKEN on the server.'}
      </p>
    </main>
  )
}
