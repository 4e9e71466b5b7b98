import type { ActivityEntry } from '../lib/ipc'

/** What each kind of activity is called on screen. */
export const activityLabels: Record<ActivityEntry['kind'], string> = {
  deep_link_received: 'Link received',
  deep_link_rejected: 'Link refused',
  sandbox_unavailable: 'Sandbox not started',
}

/** Whether an entry reports a problem the person should notice. */
export function isProblem(entry: ActivityEntry): boolean {
  return entry.kind !== 'deep_link_received'
}
