// The base of the page objects in e2e/pages/ (STYLE.md: role and label locators, which also keep
// the screens accessible; wait on what the app shows, never on sleeps).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

export abstract class PageObject {
  constructor(readonly page: Page) {}

  /** The element that says this screen is showing. */
  protected abstract get landmark(): Locator;

  async expectVisible(): Promise<void> {
    await expect(this.landmark).toBeVisible();
  }

  /** axe-core finds no serious or critical violation on the screen as it is now. */
  async expectAccessible(): Promise<void> {
    const results = await new AxeBuilder({ page: this.page }).analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)).toEqual([]);
  }
}
