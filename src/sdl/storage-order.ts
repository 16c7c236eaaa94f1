import type {VolumeDef} from './types.js'

/**
 * The order Akash's Go parser gives storage volumes (go/sdl/storage.go `sort()`), which the
 * manifest hash depends on. Its comparator is not a strict ordering, so the result depends on the
 * algorithm: this reproduces Go's sort.SliceStable step by step (insertion sort on blocks of 20,
 * then in-place symmetric merges).
 */
export function sortVolumesLikeGo(volumes: VolumeDef[]): VolumeDef[] {
  const data = [...volumes]
  const less = (i: number, j: number): boolean => volumeLess(data[i], data[j])
  const swap = (i: number, j: number): void => {
    const t = data[i]
    data[i] = data[j]
    data[j] = t
  }
  stable(data.length, less, swap)
  return data
}

function attr(v: VolumeDef, key: string): string {
  return v.attributes?.find((a) => a.key === key)?.value ?? ''
}

function volumeLess(a: VolumeDef, b: VolumeDef): boolean {
  if (a.bytes < b.bytes) return true
  if (a.bytes > b.bytes) return false
  // Go compares the "persistent" attribute as a string here (its variable is called iClass).
  const ai = attr(a, 'persistent')
  const bj = attr(b, 'persistent')
  const aExists = ai !== ''
  const bExists = bj !== ''
  if ((!aExists && bExists) || (aExists && bExists && ai < bj)) return true
  if (aExists && !bExists) return false
  const aPersistent = parseGoBool(ai)
  const bPersistent = parseGoBool(bj)
  if (!aPersistent) return true
  if (!bPersistent) return false
  return a.name < b.name
}

function parseGoBool(s: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)
}

type Less = (i: number, j: number) => boolean
type Swap = (i: number, j: number) => void

function insertionSort(a: number, b: number, less: Less, swap: Swap): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1)
  }
}

function stable(n: number, less: Less, swap: Swap): void {
  let blockSize = 20
  let a = 0
  let b = blockSize
  while (b <= n) {
    insertionSort(a, b, less, swap)
    a = b
    b += blockSize
  }
  insertionSort(a, n, less, swap)
  while (blockSize < n) {
    a = 0
    b = 2 * blockSize
    while (b <= n) {
      symMerge(a, a + blockSize, b, less, swap)
      a = b
      b += 2 * blockSize
    }
    const m = a + blockSize
    if (m < n) symMerge(a, m, n, less, swap)
    blockSize *= 2
  }
}

function symMerge(a: number, m: number, b: number, less: Less, swap: Swap): void {
  if (m - a === 1) {
    let i = m
    let j = b
    while (i < j) {
      const h = (i + j) >>> 1
      if (less(h, a)) i = h + 1
      else j = h
    }
    for (let k = a; k < i - 1; k++) swap(k, k + 1)
    return
  }
  if (b - m === 1) {
    let i = a
    let j = m
    while (i < j) {
      const h = (i + j) >>> 1
      if (!less(m, h)) i = h + 1
      else j = h
    }
    for (let k = m; k > i; k--) swap(k, k - 1)
    return
  }
  const mid = (a + b) >>> 1
  const n = mid + m
  let start: number
  let r: number
  if (m > mid) {
    start = n - b
    r = mid
  } else {
    start = a
    r = m
  }
  const p = n - 1
  while (start < r) {
    const c = (start + r) >>> 1
    if (!less(p - c, c)) start = c + 1
    else r = c
  }
  const end = n - start
  if (start < m && m < end) rotate(start, m, end, swap)
  if (a < start && start < mid) symMerge(a, start, mid, less, swap)
  if (mid < end && end < b) symMerge(mid, end, b, less, swap)
}

function swapRange(a: number, b: number, n: number, swap: Swap): void {
  for (let i = 0; i < n; i++) swap(a + i, b + i)
}

function rotate(a: number, m: number, b: number, swap: Swap): void {
  let i = m - a
  let j = b - m
  while (i !== j) {
    if (i > j) {
      swapRange(m - i, m, j, swap)
      i -= j
    } else {
      swapRange(m - i, m + j - i, i, swap)
      j -= i
    }
  }
  swapRange(m - i, m, i, swap)
}
