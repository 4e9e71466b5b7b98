// Linking several test users from the Sandbox screen: the logins typed, and the sentence that
// sums up how it went. Each user is linked by one call (`link_test_user`), one after another.

/** Each login once, in the order typed: comma (or space) separated, blanks dropped. */
export function parseLogins(text: string): string[] {
  const logins = text
    .split(/[,\s]+/)
    .map((login) => login.trim())
    .filter((login) => login.length > 0)
  return [...new Set(logins)]
}

export type LinkProgress =
  | { login: string; state: 'waiting' }
  | { login: string; state: 'linking' }
  | { login: string; state: 'linked'; account: number }
  | { login: string; state: 'failed'; message: string }

/** "Linked 2 of 3 test users; bob: …" once every user has been tried. */
export function linkSummary(progress: LinkProgress[]): string {
  const linked = progress.filter((p) => p.state === 'linked').length
  const noun = progress.length === 1 ? 'test user' : 'test users'
  const failures = progress.flatMap((p) => (p.state === 'failed' ? [`${p.login}: ${p.message}`] : []))
  const head = `Linked ${linked} of ${progress.length} ${noun}`
  return failures.length === 0 ? `${head}.` : `${head}; ${failures.join('; ')}`
}
