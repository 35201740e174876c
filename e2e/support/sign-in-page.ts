// The sign-in screen, as the infrastructure's smoke test uses it. (The screens' own page objects
// live in e2e/pages/.)
import type { Locator } from '@playwright/test';
import { PageObject } from './page-object';

export class SignInPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByRole('form', { name: 'Entrar en Ventanilla' });
  }

  async signIn(serverUrl: string, email: string, password: string): Promise<void> {
    const form = this.landmark;
    await form.getByLabel('Dirección del servidor').fill(serverUrl);
    await form.getByLabel('Correo electrónico').fill(email);
    await form.getByLabel('Contraseña').fill(password);
    await form.getByRole('button', { name: 'Entrar' }).click();
  }
}
