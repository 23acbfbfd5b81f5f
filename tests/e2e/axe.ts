/**
 * Accessibility checks for the browser tests: axe-core (through @axe-core/playwright) on the
 * page as it is now — a page, or a page with a dialog open. Serious and critical violations
 * fail the test, listed with the elements concerned; minor and moderate ones are left to review.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** The WCAG 2.x A and AA rules (contrast, names, ARIA use, heading structure, …) and axe's best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const FAILING_IMPACTS = new Set(["serious", "critical"]);

export type AxeViolation = { id: string; impact: string; help: string; targets: string[] };

/** Run axe on the page and return its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Let transitions and live updates settle, so axe sees what a person sees.
  await page.waitForLoadState("domcontentloaded");
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact ?? ""))
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join(" ").trim() ?? ""}`),
    }));
}

/** Fail the test on any serious or critical axe violation of the page (or the dialog open on it). */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const violations = await seriousViolations(page);
  const report = violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.targets.join("\n    ")}`).join("\n");
  expect(violations, `axe found serious or critical violations on ${where}:\n${report}`).toEqual([]);
}
