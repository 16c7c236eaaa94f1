#!/usr/bin/env node
// oclif registers tsx itself in development mode and loads src/ directly. The manifest that
// `npm run build` writes points at dist/, so it is ignored here: dev mode never runs stale builds.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url, loadOptions: {ignoreManifest: true}})
