/** "1 shot", "4 shots": a count and its noun (a regular plural). */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
