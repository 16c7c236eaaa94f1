// Plain Akash protocol types that the rules, the Market port and the emulator share.

export interface Attribute {
  key: string
  value: string
}

export interface SignedBy {
  allOf: string[]
  anyOf: string[]
}
