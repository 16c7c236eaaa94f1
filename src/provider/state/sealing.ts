import {createCipheriv, createDecipheriv, hkdfSync, randomBytes} from 'node:crypto'

/**
 * Encryption at rest for what the provider must keep but must not leave readable: its TLS private
 * key and tenants' manifests (which carry registry passwords and env secrets). The key is derived
 * from the provider's own secp256k1 private key with HKDF, so nothing extra needs guarding and a
 * copy of the data dir without the mnemonic is useless.
 */
export class Sealer {
  private readonly key: Buffer

  constructor(secret: Uint8Array, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret), Buffer.from('edge-provider'), Buffer.from(purpose), 32))
  }

  /** `v1.<iv>.<tag>.<ciphertext>` in base64url; `aad` binds the blob to what it belongs to. */
  seal(plaintext: string | Uint8Array, aad = ''): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(aad))
    const ct = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext)), cipher.final()])
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.')
  }

  /** The plaintext, or undefined when the blob was sealed under another key or altered. */
  open(blob: string, aad = ''): Buffer | undefined {
    const parts = blob.split('.')
    if (parts.length !== 4 || parts[0] !== 'v1') return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1], 'base64url'))
      decipher.setAAD(Buffer.from(aad))
      decipher.setAuthTag(Buffer.from(parts[2], 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()])
    } catch {
      return undefined
    }
  }
}
