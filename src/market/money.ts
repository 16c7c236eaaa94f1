// Moved to src/protocol/money.ts (pure Akash rules, shared with the emulator). This re-export keeps
// branches written against the old path compiling until they are merged; import from protocol/.
export * from '../protocol/money.js'
