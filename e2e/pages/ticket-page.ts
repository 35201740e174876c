// A ticket: its fields, timeline, reply box, merge.
import { expect, type Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class TicketPage extends PageObject {
  protected get landmark(): Locator {
    return this.timeline;
  }

  get timeline(): Locator {
    return this.page.getByRole('region', { name: 'Historial' });
  }

  get reference(): Locator {
    return this.page.getByTestId('ticket-reference');
  }

  get status(): Locator {
    return this.page.getByTestId('ticket-status');
  }

  /** The timeline's entries of a kind ('Llamada', 'Correo enviado', 'Nota interna'…). */
  entries(kind: string): Locator {
    return this.timeline.getByRole('article', { name: new RegExp(`^${kind}`) });
  }

  async choose(field: 'Estado' | 'Prioridad' | 'Departamento' | 'Asignado a', option: string): Promise<void> {
    await this.page.getByRole('combobox', { name: new RegExp(`^${field}`) }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
    await expect(this.page.getByRole('combobox', { name: new RegExp(`^${field}`) })).toHaveText(option);
    await expect(this.page.getByRole('listbox')).toBeHidden();
  }

  async reply(text: string, then?: string): Promise<void> {
    const composer = this.page.getByRole('region', { name: 'Responder o anotar' });
    await composer.getByRole('tab', { name: 'Responder' }).click();
    await composer.getByRole('textbox', { name: 'Texto' }).fill(text);
    if (then) {
      await composer.getByRole('combobox', { name: /^Después/ }).click();
      await this.page.getByRole('option', { name: then, exact: true }).click();
    }
    await composer.getByRole('button', { name: 'Enviar respuesta' }).click();
  }

  async note(text: string): Promise<void> {
    const composer = this.page.getByRole('region', { name: 'Responder o anotar' });
    await composer.getByRole('tab', { name: 'Nota interna' }).click();
    await composer.getByRole('textbox', { name: /Texto de la nota/ }).fill(text);
    await composer.getByRole('button', { name: 'Añadir nota' }).click();
  }

  async back(): Promise<void> {
    await this.page.getByRole('button', { name: 'Volver' }).click();
  }
}
