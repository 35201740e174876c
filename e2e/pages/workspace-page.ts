// The frame every signed-in screen shares: navigation, new call / visit, the sync state.
import { expect, type Locator } from '@playwright/test';
import { PageObject } from '../support/page-object';

export class WorkspacePage extends PageObject {
  protected get landmark(): Locator {
    return this.navigation;
  }

  get navigation(): Locator {
    return this.page.getByRole('navigation', { name: 'Navegación principal' });
  }

  get syncStatus(): Locator {
    return this.page.getByTestId('sync-status');
  }

  /** Waits until the sync state says `state` (online, offline, local-only…). */
  async expectSync(state: 'online' | 'offline' | 'error' | 'local-only'): Promise<void> {
    await expect(this.syncStatus).toHaveAttribute('data-state', state, { timeout: 30_000 });
  }

  async openInbox(): Promise<void> {
    await this.landmark.getByRole('link', { name: 'Bandeja' }).click();
  }

  async openSupervisor(): Promise<void> {
    await this.landmark.getByRole('link', { name: 'Supervisión' }).click();
  }

  async newCall(): Promise<void> {
    await this.landmark.getByRole('button', { name: 'Nueva llamada' }).click();
  }

  async newVisit(): Promise<void> {
    await this.landmark.getByRole('button', { name: 'Nueva visita' }).click();
  }
}
