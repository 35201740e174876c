// What every screen of a signed-in clerk needs: the session, the clerk, the RxDatabase over the
// service's remote storage, and the small collections (users, departments, templates) loaded once
// and kept live, so a name or a department is a map lookup, never a query per row.
import { createContext, useContext } from 'react';
import type { Session } from '../../core/app-api';
import type { Calendar, Department, Template, User } from '../../core/schemas';
import type { WorkstationDatabase } from '../platform/platform';

export type SignedIn = Extract<Session, { state: 'signed-in' }>;

export type Directory = {
  users: ReadonlyMap<string, User>;
  departments: ReadonlyMap<string, Department>;
  /** Active departments, by name. */
  departmentList: readonly Department[];
  /** Active staff, by name. */
  userList: readonly User[];
  templates: readonly Template[];
  calendars: ReadonlyMap<string, Calendar>;
};

export type Workspace = {
  session: SignedIn;
  db: WorkstationDatabase;
  directory: Directory;
  /** The clerk's user id (the author stamped on every edit). */
  me: string;
};

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside a signed-in workspace');
  return workspace;
}
