import {join} from 'node:path'
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic, validateMnemonic} from '../../../src/config/mnemonic.js'
import {CORPUS} from '../../helpers/corpus.js'

const VECTOR = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()

describe('mnemonic', () => {
  it('derives the address of Akash JWT test vectors (m/44\'/118\'/0\'/0/0, prefix akash)', async () => {
    // The ES256KADR36 vector in cases_es256k.json is issued by this mnemonic's key.
    expect((await deriveKey(VECTOR)).address).toBe('akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh')
  })

  it('normalises whitespace and case', () => {
    expect(validateMnemonic(`  ${VECTOR.toUpperCase().split(' ').join('\n ')}  `)).toBe(VECTOR)
  })

  it('rejects a wrong word count without echoing the words', () => {
    const words = VECTOR.split(' ').slice(0, 11).join(' ')
    expect(() => validateMnemonic(words)).toThrow(/has 11 words/)
    try {
      validateMnemonic(words)
    } catch (error) {
      for (const word of words.split(' ')) expect((error as Error).message).not.toContain(word)
    }
  })

  it('rejects a bad checksum and names unknown words by position only', () => {
    const words = VECTOR.split(' ')
    const changed = [...words]
    changed[23] = 'abandon'
    expect(() => validateMnemonic(changed.join(' '))).toThrow(/checksum/)
    const unknown = [...words]
    unknown[4] = 'notaword'
    expect(() => validateMnemonic(unknown.join(' '))).toThrow(/^Word 5 of the mnemonic is not in the BIP-39/)
  })

  it('generates valid 24-word mnemonics', () => {
    const m = generateMnemonic()
    expect(m.split(' ')).toHaveLength(24)
    expect(validateMnemonic(m)).toBe(m)
  })
})
