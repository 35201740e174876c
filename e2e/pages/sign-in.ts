// Signing in from the first-run screen, then waiting for the workspace.
import { expect, type Page } from '@playwright/test';
import { SignInPage } from '../support/sign-in-page';
import { WorkspacePage } from './workspace-page';

export async function signInAs(page: Page, serverUrl: string, account: { email: string; password: string; name: string }): Promise<WorkspacePage> {
  const signIn = new SignInPage(page);
  await signIn.expectVisible();
  await signIn.signIn(serverUrl, account.email, account.password);
  const workspace = new WorkspacePage(page);
  // The first sign-in opens a new replica while it fills from the server: on a loaded machine
  // that takes longer than an ordinary screen change.
  await expect(workspace.navigation).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('account')).toHaveText(account.name);
  return workspace;
}
