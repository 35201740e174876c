import type { Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class CitizenPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByRole('region', { name: /^Expedientes/ });
  }

  get tickets(): Locator {
    return this.landmark.getByRole('listitem');
  }
}
