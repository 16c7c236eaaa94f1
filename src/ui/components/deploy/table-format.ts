/** "akash1abcd…wxyz": long enough to tell providers apart, short enough for a table. */
/** The shortest recognisable form of an address, for the narrowest tables: `akash1q7…tkjw`. */
export function compactAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 8)}…${address.slice(-4)}` : address
}

export function shortAddress(address: string): string {
  return address.length > 20 ? `${address.slice(0, 10)}…${address.slice(-6)}` : address
}
