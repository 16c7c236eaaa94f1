import {createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb} from 'node:crypto'
import {chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {UsageError} from '../errors.js'
import {deriveKey, validateMnemonic} from './mnemonic.js'
import {keysDir} from './paths.js'

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

/** scrypt cost: N=2^15, r=8, p=1 (about 100 ms here), as Ethereum's keystore v3 default. */
const KDF = {n: 32768, r: 8, p: 1, dklen: 32}
/**
 * For an empty passphrase (the `edge dev` key by default): stretching it protects nothing, since
 * there is no secret to guess, so the cost is kept low and unlocking costs no start-up time.
 */
const EMPTY_PASSPHRASE_KDF = {n: 1024, r: 8, p: 1, dklen: 32}
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export interface KeyRecord {
  name: string
  address: string
  createdAt: string
  /** A key `edge dev` made for the local chain; it holds no real money. */
  dev?: boolean
}

interface KeystoreFile extends KeyRecord {
  version: 1
  /**
   * False for a key encrypted under the empty passphrase (the `edge dev` keys), so that it unlocks
   * without one even when EDGE_PASSPHRASE holds another key's passphrase. Anyone holding the file
   * can try the empty passphrase at no cost, so saying so reveals nothing. Files written before
   * this field existed lack it.
   */
  hasPassphrase?: boolean
  crypto: {
    kdf: 'scrypt'
    kdfparams: {n: number; r: number; p: number; dklen: number; salt: string}
    cipher: 'aes-256-gcm'
    iv: string
    ciphertext: string
    tag: string
  }
}

/**
 * One file per key, mode 0600, in a 0700 directory. The mnemonic is encrypted with AES-256-GCM
 * under a scrypt key from the passphrase; the address is kept in clear so that `list` needs no
 * passphrase. Files are created exclusively: nothing is ever overwritten.
 */
export class Keystore {
  constructor(readonly dir: string = keysDir()) {}

  list(): KeyRecord[] {
    if (!existsSync(this.dir)) return []
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        try {
          return toRecord(this.read(f.slice(0, -5)))
        } catch {
          return undefined
        }
      })
      .filter((r): r is KeyRecord => r !== undefined)
  }

  has(name: string): boolean {
    return existsSync(this.file(name))
  }

  get(name: string): KeyRecord {
    return toRecord(this.read(name))
  }

  async add(name: string, mnemonicInput: string, passphrase: string, options: {dev?: boolean} = {}): Promise<KeyRecord> {
    validateName(name)
    const mnemonic = validateMnemonic(mnemonicInput)
    if (this.has(name)) {
      throw new UsageError(`A key named "${name}" already exists.`, {
        code: 'key_exists',
        hint: 'Choose another name; edge never overwrites a key.',
      })
    }
    const {address} = await deriveKey(mnemonic)
    const salt = randomBytes(32)
    const iv = randomBytes(12)
    const kdf = passphrase === '' ? EMPTY_PASSPHRASE_KDF : KDF
    const key = await scrypt(passphrase, salt, kdf.dklen, {N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 64 * 1024 * 1024})
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(address))
    const ciphertext = Buffer.concat([cipher.update(mnemonic, 'utf8'), cipher.final()])
    const file: KeystoreFile = {
      version: 1,
      name,
      address,
      createdAt: new Date().toISOString(),
      ...(options.dev ? {dev: true} : {}),
      hasPassphrase: passphrase !== '',
      crypto: {
        kdf: 'scrypt',
        kdfparams: {...kdf, salt: salt.toString('hex')},
        cipher: 'aes-256-gcm',
        iv: iv.toString('hex'),
        ciphertext: ciphertext.toString('hex'),
        tag: cipher.getAuthTag().toString('hex'),
      },
    }
    this.writeExclusive(name, JSON.stringify(file, null, 2) + '\n')
    return toRecord(file)
  }

  /**
   * True when the key may be encrypted under the empty passphrase: it says so, or (files from before
   * `hasPassphrase`) it is a dev key or uses the cheap KDF that only the empty passphrase gets.
   */
  mayHaveNoPassphrase(name: string): boolean {
    const file = this.read(name)
    if (file.hasPassphrase !== undefined) return file.hasPassphrase === false
    return file.dev === true || file.crypto.kdfparams.n <= EMPTY_PASSPHRASE_KDF.n
  }

  /** Decrypts the mnemonic. A wrong passphrase and a corrupt file are different errors. */
  async unlock(name: string, passphrase: string): Promise<string> {
    const file = this.read(name)
    const c = file.crypto
    let key: Buffer
    try {
      key = await scrypt(passphrase, Buffer.from(c.kdfparams.salt, 'hex'), c.kdfparams.dklen, {
        N: c.kdfparams.n,
        r: c.kdfparams.r,
        p: c.kdfparams.p,
        maxmem: 256 * 1024 * 1024,
      })
    } catch {
      throw corrupt(name, 'its key-derivation parameters are invalid')
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(c.iv, 'hex'))
    decipher.setAAD(Buffer.from(file.address))
    decipher.setAuthTag(Buffer.from(c.tag, 'hex'))
    let mnemonic: string
    try {
      mnemonic = Buffer.concat([decipher.update(Buffer.from(c.ciphertext, 'hex')), decipher.final()]).toString('utf8')
    } catch {
      throw new UsageError(`Wrong passphrase for key "${name}".`, {
        code: 'wrong_passphrase',
        hint: 'Try again, or set EDGE_PASSPHRASE to the passphrase the key was created with.',
      })
    }
    const {address} = await deriveKey(mnemonic)
    if (address !== file.address) throw corrupt(name, 'the decrypted key does not match the stored address')
    return mnemonic
  }

  remove(name: string): void {
    this.read(name)
    rmSync(this.file(name))
  }

  private file(name: string): string {
    return join(this.dir, `${name}.json`)
  }

  private read(name: string): KeystoreFile {
    validateName(name)
    const path = this.file(name)
    if (!existsSync(path)) {
      throw new UsageError(`No key named "${name}".`, {
        code: 'unknown_key',
        hint: 'List keys with `edge wallet list`, or create one with `edge wallet create`.',
      })
    }
    let parsed: KeystoreFile
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as KeystoreFile
    } catch {
      throw corrupt(name, 'it is not valid JSON')
    }
    const c = parsed?.crypto
    if (
      parsed?.version !== 1 ||
      typeof parsed.address !== 'string' ||
      c?.kdf !== 'scrypt' ||
      c.cipher !== 'aes-256-gcm' ||
      typeof c.ciphertext !== 'string' ||
      typeof c.iv !== 'string' ||
      typeof c.tag !== 'string' ||
      typeof c.kdfparams?.salt !== 'string'
    ) {
      throw corrupt(name, 'fields are missing or of an unknown version')
    }
    return parsed
  }

  /** Writes to a temp file, then hard-links it into place: atomic, and fails if the name exists. */
  private writeExclusive(name: string, content: string): void {
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    chmodSync(this.dir, 0o700)
    const tmp = join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
    writeFileSync(tmp, content, {mode: 0o600, flag: 'wx'})
    try {
      linkSync(tmp, this.file(name))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UsageError(`A key named "${name}" already exists.`, {code: 'key_exists'})
      }
      throw error
    } finally {
      unlinkSync(tmp)
    }
  }
}

function toRecord(file: KeystoreFile): KeyRecord {
  return {name: file.name, address: file.address, createdAt: file.createdAt, ...(file.dev ? {dev: true} : {})}
}

function corrupt(name: string, why: string): UsageError {
  return new UsageError(`The keystore file of key "${name}" is corrupt: ${why}.`, {
    code: 'corrupt_keystore',
    hint: 'Restore the file from a backup, or import the key again under a new name with `edge wallet import`.',
  })
}

export function validateName(name: string): void {
  if (!NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid key name.`, {
      code: 'invalid_key_name',
      hint: 'Use letters, digits, dots, dashes and underscores (at most 64 characters).',
    })
  }
}
