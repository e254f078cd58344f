// The engine's guarantees, checked exhaustively for two tabs of one browser: two engines, a Web
// Locks model (a FIFO line, steal, a delayed release) and a channel, every interleaving of their
// events up to depth 8 (leading, freezing, closing), 5 (every kind of event) and 6 (one tab keeps
// the session alone: `crossTab: false`, or refused by the lock manager). Bounded for CI;
// `MODEL_DEEP=1` goes deeper.
import { CONFIGS } from './engineWorld'
import { checkExhaustively } from './modelChecker'

checkExhaustively([
  { config: CONFIGS.tabs, ci: 8, deep: 9 },
  { config: CONFIGS.tabsFull, ci: 5, deep: 6 },
  { config: CONFIGS.alone, ci: 6, deep: 8 },
])
