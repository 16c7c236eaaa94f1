// Node --import preload: appends every resolved module (ESM and CommonJS) to the file named by
// EDGE_TRACE_IMPORTS, so a test can prove that `edge --help` never loads chain-sdk, cosmjs, React or Ink.
import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'

const out = process.env.EDGE_TRACE_IMPORTS
register('./trace-hooks.mjs', import.meta.url, {data: {out}})
const original = Module._resolveFilename
Module._resolveFilename = function (...args) {
  const file = original.apply(this, args)
  appendFileSync(out, file + '\n')
  return file
}
