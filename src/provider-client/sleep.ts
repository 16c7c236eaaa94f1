// Moved to src/lib/sleep.ts (one abortable sleep). This re-export keeps branches written against the
// old path compiling until they are merged; import `sleep` from lib/.
export {sleep as abortableSleep} from '../lib/sleep.js'
