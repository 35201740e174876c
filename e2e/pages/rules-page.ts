// The routing rules of a supervisor: the ordered list, the editor with its live preview, and
// "volver a aplicar" with its progress.
import { expect, type Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class RulesPage extends PageObject {
  protected get landmark(): Locator {
    return this.page.getByRole('heading', { name: 'Reglas de enrutamiento', level: 1 });
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Reglas, en el orden en que se aplican' });
  }

  /** The row of a rule, by its name. */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });
  }

  get editor(): Locator {
    return this.page.getByRole('dialog', { name: /^(Nueva regla|Editar regla|Regla \(solo lectura\))$/ });
  }

  /** "Esta regla habría coincidido con N de los últimos M expedientes". */
  get previewCount(): Locator {
    return this.editor.getByTestId('rule-preview-count');
  }

  async newRule(): Promise<void> {
    await this.page.getByRole('button', { name: 'Nueva regla' }).click();
    await expect(this.editor).toBeVisible();
  }

  /** Picks an option of one of the editor's lists, by the list's label. */
  async choose(label: string | RegExp, option: string, within: Locator = this.editor): Promise<void> {
    await within.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('listbox').getByRole('option', { name: option, exact: true }).click();
    await expect(this.page.getByRole('listbox')).toBeHidden();
  }

  /** A rule "when these words appear, send to this department", owned by `owner`. */
  async writeWordsRule(name: string, owner: string, words: string, department: string): Promise<void> {
    await this.editor.getByRole('textbox', { name: 'Nombre de la regla' }).fill(name);
    await this.choose(/^Pertenece a/, owner);
    await this.editor.getByRole('textbox', { name: 'Palabras o frases' }).fill(words);
    await this.choose(/^Departamento/, department, this.editor.getByRole('group', { name: 'Acción 1' }));
  }

  async save(): Promise<void> {
    await this.editor.getByRole('button', { name: 'Guardar' }).click();
    await expect(this.editor).toBeHidden();
  }

  async reapply(department: string): Promise<void> {
    const panel = this.page.getByRole('region', { name: 'Volver a aplicar las reglas' });
    await this.choose(/^Expedientes abiertos de/, department, panel);
    await panel.getByRole('button', { name: 'Volver a aplicar' }).click();
  }

  get reapplyResult(): Locator {
    return this.page.getByTestId('reapply-result');
  }
}
