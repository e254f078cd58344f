export { createAvatarApiMock } from './createAvatarApiMock'
export type {
  AvatarApiMock,
  AvatarApiMockOptions,
  FailureRateOptions,
  MockRequest,
  MockRequestStatus,
} from './createAvatarApiMock'
export type { MockAnswer, MockDelayAnswer, MockHttpAnswer } from './MockAnswer'
export type { MockEndpoint } from './sessionPath'
