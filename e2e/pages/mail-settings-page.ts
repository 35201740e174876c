// "Correo" settings: the mailbox accounts, the council name of the automatic answers, the outbox
// and the quarantine. Role and label locators only.
import { expect, type Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export type MailboxForm = {
  name: string;
  address: string;
  host: string;
  port: number;
  user: string;
  password: string;
  smtpHost: string;
  smtpPort: number;
};

export class MailSettingsPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Correo' });
  }

  get accounts(): Locator {
    return this.page.getByRole('region', { name: 'Buzones' });
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  /** The row of an account, by its address. */
  account(address: string): Locator {
    return this.page.getByTestId(`mail-account-${address}`);
  }

  async setCouncilName(name: string): Promise<void> {
    const region = this.page.getByRole('region', { name: 'Firma de las respuestas automáticas' });
    await region.getByRole('textbox', { name: /^Nombre del ayuntamiento/ }).fill(name);
    await region.getByRole('button', { name: 'Guardar' }).click();
    await expect(this.page.getByText('Nombre del ayuntamiento guardado')).toBeVisible();
  }

  /** Opens "Añadir buzón" and fills it in, with the keyboard where a clerk would use it. */
  async fillNewAccount(form: MailboxForm): Promise<void> {
    await this.accounts.getByRole('button', { name: 'Añadir buzón' }).click();
    await expect(this.dialog).toBeVisible();
    const field = (name: string | RegExp) => this.dialog.getByRole('textbox', { name });
    await field(/^Nombre$/).fill(form.name);
    await field(/^Dirección del buzón/).fill(form.address);
    await field(/^Servidor\s*\*?$/).fill(form.host);
    await this.dialog.getByRole('spinbutton', { name: /^Puerto\s*\*?$/ }).fill(String(form.port));
    await this.choose(/^Seguridad$/, 'Sin cifrar (solo servidor local)');
    await field(/^Usuario\s*\*?$/).fill(form.user);
    await this.dialog.getByLabel(/^Contraseña\s*\*?$/).fill(form.password);
    await field(/^Servidor de envío/).fill(form.smtpHost);
    await this.dialog.getByRole('spinbutton', { name: /^Puerto de envío/ }).fill(String(form.smtpPort));
    await this.choose(/^Seguridad del envío/, 'Sin cifrar (solo servidor local)');
  }

  async choose(label: RegExp, option: string): Promise<void> {
    await this.dialog.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  async testConnection(): Promise<Locator> {
    await this.dialog.getByRole('button', { name: 'Probar conexión' }).click();
    const results = this.dialog.getByRole('status');
    await expect(results).toBeVisible();
    return results;
  }

  async save(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Guardar' }).click();
    await expect(this.dialog).toBeHidden();
  }
}
