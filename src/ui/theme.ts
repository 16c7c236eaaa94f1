/** The colours Ink views use; one place, so NO_COLOR and themes stay consistent. */
export const theme = {
  accent: 'cyan',
  success: 'green',
  warning: 'yellow',
  error: 'red',
  muted: 'gray',
} as const
