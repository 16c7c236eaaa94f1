/**
 * Rewrites the committed CLI contract from the code: `npm run contract:update` (after `npm run build`).
 * Review the diff: a removed flag, a renamed command or a changed result field breaks users' scripts.
 */
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ERROR_SCHEMA_FILE, EVENT_SCHEMA_DIR, SCHEMA_DIR, SNAPSHOT_FILE, commandSnapshot, eventSchemaFile, generateErrorSchema, generateEventSchemas, generateResultSchemas, schemaFile, stableJson} from './contract.js'

writeFileSync(SNAPSHOT_FILE, stableJson(commandSnapshot()))
const schemas = await generateResultSchemas()
mkdirSync(SCHEMA_DIR, {recursive: true})
for (const old of readdirSync(SCHEMA_DIR)) rmSync(join(SCHEMA_DIR, old))
for (const [command, schema] of schemas) writeFileSync(schemaFile(command), stableJson(schema))
writeFileSync(ERROR_SCHEMA_FILE, stableJson(await generateErrorSchema()))
const events = await generateEventSchemas()
mkdirSync(EVENT_SCHEMA_DIR, {recursive: true})
for (const old of readdirSync(EVENT_SCHEMA_DIR)) rmSync(join(EVENT_SCHEMA_DIR, old))
for (const [command, schema] of events) writeFileSync(eventSchemaFile(command), stableJson(schema))
process.stderr.write(`wrote ${SNAPSHOT_FILE}, ${ERROR_SCHEMA_FILE}, ${schemas.size} schemas in ${SCHEMA_DIR} and ${events.size} in ${EVENT_SCHEMA_DIR}\n`)
