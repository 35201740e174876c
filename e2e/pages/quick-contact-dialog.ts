// "Nueva llamada" / "Nueva visita": find or add the citizen, the reason, file it.
import type { Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export type NewCitizen = { name: string; document?: string; phone?: string; email?: string };

export class QuickContactDialog extends PageObject {
  protected get landmark(): Locator {
    return this.dialog;
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: /Nueva (llamada|visita)/ });
  }

  async lookup(text: string): Promise<Locator> {
    await this.dialog.getByRole('combobox', { name: 'Buscar ciudadano' }).fill(text);
    return this.dialog.getByRole('listbox', { name: 'Ciudadanos encontrados' }).getByRole('option');
  }

  async addCitizen(citizen: NewCitizen): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Dar de alta a un ciudadano nuevo' }).click();
    const form = this.dialog.getByRole('form', { name: 'Dar de alta a un ciudadano nuevo' });
    await form.getByRole('textbox', { name: 'Nombre y apellidos' }).fill(citizen.name);
    if (citizen.document) await form.getByRole('textbox', { name: 'Documento de identidad' }).fill(citizen.document);
    if (citizen.phone) await form.getByRole('textbox', { name: 'Teléfonos' }).fill(citizen.phone);
    if (citizen.email) await form.getByRole('textbox', { name: 'Correos electrónicos' }).fill(citizen.email);
    await form.getByRole('button', { name: 'Guardar' }).click();
  }

  async file(reason: string, notes = '', department?: string): Promise<void> {
    await this.dialog.getByRole('textbox', { name: 'Motivo' }).fill(reason);
    if (notes) await this.dialog.getByRole('textbox', { name: 'Notas' }).fill(notes);
    if (department) {
      await this.dialog.getByRole('combobox', { name: /^Departamento/ }).click();
      await this.page.getByRole('option', { name: department, exact: true }).click();
    }
    await this.dialog.getByRole('button', { name: 'Archivar' }).click();
  }
}
