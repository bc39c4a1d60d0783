// Versions of groundup and of each peer, noted by whoever finds them during the run.
const found = new Map<string, string>();

export function recordVersion(name: string, version: string): void {
  found.set(name, version);
}

export function versions(): Record<string, string> {
  return Object.fromEntries([...found].sort(([a], [b]) => a.localeCompare(b)));
}
