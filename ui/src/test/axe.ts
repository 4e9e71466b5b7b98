// axe-core on what a test rendered, as the window tests run it on the real window: serious and
// critical violations, each named with the elements it found. jsdom lays nothing out and paints
// nothing, so the rules that need that (colour contrast) are left to the window tests.
import axe from 'axe-core'

export async function axeViolations(context: Element = document.body): Promise<string[]> {
  const results = await axe.run(context, {
    resultTypes: ['violations'],
    rules: { 'color-contrast': { enabled: false } },
  })
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    )
}
