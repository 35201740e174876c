// The unified inbox: views with live counts, filters, search and the virtualised list.
import { expect, type Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export type ViewName = 'Mías' | 'Mis departamentos' | 'Sin asignar' | 'Todas abiertas' | 'Vencidas';
const VIEW_IDS: Record<ViewName, string> = { Mías: 'mine', 'Mis departamentos': 'departments', 'Sin asignar': 'unassigned', 'Todas abiertas': 'open', Vencidas: 'overdue' };

export class InboxPage extends PageObject {
  protected get landmark(): Locator {
    return this.list;
  }

  get list(): Locator {
    return this.page.getByRole('listbox', { name: 'Expedientes' });
  }

  get search(): Locator {
    return this.page.getByRole('textbox', { name: 'Buscar expedientes' });
  }

  /** The row of a ticket, by what it shows (subject, citizen or reference). */
  row(text: string | RegExp): Locator {
    return this.list.getByRole('option').filter({ hasText: text });
  }

  async view(name: ViewName): Promise<void> {
    await this.page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
    await expect(this.page.getByRole('tab', { name: new RegExp(`^${name}`) })).toHaveAttribute('aria-selected', 'true');
  }

  /** The live count a view's tab shows. */
  async count(name: ViewName): Promise<number> {
    const text = await this.page.getByTestId(`count-${VIEW_IDS[name]}`).innerText();
    return Number(text.replace(/\D/g, ''));
  }

  async filter(label: 'Estado' | 'Canal' | 'Departamento' | 'Prioridad' | 'Orden', option: string): Promise<void> {
    await this.page.getByRole('combobox', { name: new RegExp(`^${label}`) }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  async open(text: string | RegExp): Promise<void> {
    await this.row(text).first().dblclick();
  }
}
