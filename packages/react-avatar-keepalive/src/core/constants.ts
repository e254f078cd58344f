/**
 * Base URL of the avatar API in the US region (the default).
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { baseUrl: AVATAR_API_US })
 * ```
 */
export const AVATAR_API_US = 'https://api.avatar.us.kaltura.ai/v1'

/**
 * Base URL of the avatar API in the EU region.
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { baseUrl: AVATAR_API_EU })
 * ```
 */
export const AVATAR_API_EU = 'https://api.avatar.eu.kaltura.ai/v1'

/**
 * How often the vendor asks for a keep-alive, in ms.
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { interval: DEFAULT_KEEP_ALIVE_INTERVAL / 2 })
 * ```
 */
export const DEFAULT_KEEP_ALIVE_INTERVAL = 10_000

/**
 * How long one keep-alive request may take before it is aborted, in ms.
 *
 * @example
 * ```ts
 * await sendKeepAlive({ sessionId, token, timeout: DEFAULT_KEEP_ALIVE_TIMEOUT })
 * ```
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT = 5_000
