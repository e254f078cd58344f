import { createAvatarSessionStore, type AvatarSessionStore } from './createAvatarSessionStore'

/**
 * The store every hook and badge uses unless given another one.
 *
 * @example
 * ```ts
 * avatarSessionStore.getState().sessions['session-1']?.status
 * ```
 */
export const avatarSessionStore: AvatarSessionStore = createAvatarSessionStore()
