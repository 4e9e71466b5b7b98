// Moving through a list of rows with the keyboard, as a listbox does.

/** The index `key` moves to from `index` in a list of `count` rows; null for other keys. */
export function moveTo(key: string, index: number, count: number): number | null {
  if (count === 0) return null
  switch (key) {
    case 'ArrowDown':
      return Math.min(index + 1, count - 1)
    case 'ArrowUp':
      return Math.max(index - 1, 0)
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
