#!/usr/bin/env node
// oclif registers tsx itself in development mode and loads src/ directly.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
