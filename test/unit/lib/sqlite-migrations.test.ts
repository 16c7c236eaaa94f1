import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, describe, expect, it} from 'vitest'

import {migrate} from '../../../src/lib/sqlite-migrations.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function open(): {db: Database.Database; path: string} {
  const dir = mkdtempSync(join(tmpdir(), 'edge-migrate-'))
  dirs.push(dir)
  const path = join(dir, 'x.db')
  return {db: new Database(path), path}
}

const V1 = 'CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);'
const V2 = 'ALTER TABLE items ADD COLUMN note TEXT;'

describe('SQLite migrations by user_version', () => {
  it('takes a database made before versions (version 0, tables there) through step 1 unchanged, then on', () => {
    const {db} = open()
    db.exec(V1)
    db.prepare('INSERT INTO items (name) VALUES (?)').run('kept')
    migrate(db, [V1, V2], 'test db')
    expect(db.pragma('user_version', {simple: true})).toBe(2)
    expect(db.prepare('SELECT name, note FROM items').all()).toEqual([{name: 'kept', note: null}])
    // Opening again runs nothing (ALTER TABLE would fail a second time).
    migrate(db, [V1, V2], 'test db')
    db.close()
  })

  it('leaves a failed step undone, version and all', () => {
    const {db} = open()
    expect(() => migrate(db, [V1, 'ALTER TABLE nowhere ADD COLUMN x TEXT;'], 'test db')).toThrow(/nowhere/)
    expect(db.pragma('user_version', {simple: true})).toBe(0)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'items'").all()).toEqual([])
    db.close()
  })

  it('refuses a database from a newer edge', () => {
    const {db} = open()
    db.pragma('user_version = 5')
    expect(() => migrate(db, [V1, V2], 'The test db')).toThrow(/schema version 5, newer than this edge knows \(2\)/)
    db.close()
  })
})
