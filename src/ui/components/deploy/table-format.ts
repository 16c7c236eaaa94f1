/** "akash1abcd…wxyz": long enough to tell providers apart, short enough for a table. */
export function shortAddress(address: string): string {
  return address.length > 20 ? `${address.slice(0, 10)}…${address.slice(-6)}` : address
}
