// The random walks again in a world whose hidden pages fire their timers as Firefox does on a busy
// machine (MODEL_TIMERS=firefox: at least 1 s after they were set, and 300 ms more), at 2 s, the
// interval the browser suites use: every step of a hidden follower's last call comes more than a
// second late, so it calls again, once, before it takes over.
import { atInterval } from './worldActions'

await atInterval(
  process.env.MODEL_INTERVAL ?? '2000',
  () => import('./engine.property.test'),
  'firefox',
)
