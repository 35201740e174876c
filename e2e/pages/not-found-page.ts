// The screen of a ticket or citizen this workstation does not have.
import type { Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class NotFoundPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByTestId('not-found');
  }
}
