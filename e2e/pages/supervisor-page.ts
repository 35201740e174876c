// A supervisor's queues and bulk reassignment.
import type { Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class SupervisorPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByRole('heading', { name: 'Supervisión de colas' });
  }

  get queue(): Locator {
    return this.page.getByRole('table', { name: 'Cola del departamento' });
  }

  async department(name: string): Promise<void> {
    await this.page.getByRole('combobox', { name: /^Departamento/ }).click();
    await this.page.getByRole('option', { name, exact: true }).click();
  }

  async holder(name: string): Promise<void> {
    await this.page.getByRole('combobox', { name: /^Asignados a/ }).click();
    await this.page.getByRole('option', { name, exact: true }).click();
  }

  /** Whose tickets the queue can be filtered by (the clerks holding some, and "Sin asignar"). */
  async holders(): Promise<string[]> {
    await this.page.getByRole('combobox', { name: /^Asignados a/ }).click();
    const names = await this.page.getByRole('listbox').getByRole('option').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return names.filter((name) => name !== 'Cualquiera');
  }

  async selectAllShown(): Promise<void> {
    await this.queue.getByRole('checkbox', { name: 'Seleccionar todos los mostrados' }).check();
  }

  async reassignTo(name: string): Promise<void> {
    await this.page.getByRole('combobox', { name: /^Reasignar a/ }).click();
    await this.page.getByRole('option', { name, exact: true }).click();
    await this.page.getByRole('button', { name: 'Reasignar', exact: true }).click();
  }
}
