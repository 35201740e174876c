// The small collections (departments, users, templates, calendars: a few hundred documents at
// most, docs/schemas.md) loaded once and kept live as maps.
import { useEffect, useState } from 'react';
import { combineLatest } from 'rxjs';
import type { Calendar } from '../../core/schemas';
import type { Directory } from '../app/workspace';
import type { WorkstationDatabase } from '../platform/platform';

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'es');


export function useDirectory(db: WorkstationDatabase | null): Directory | undefined {
  const [directory, setDirectory] = useState<Directory>();
  useEffect(() => {
    if (!db) return undefined;
    const subscription = combineLatest([db.users.find().$, db.departments.find().$, db.templates.find().$, db.calendars.find().$]).subscribe(
      ([users, departments, templates, calendars]) => {
        const userDocs = users.map((doc) => doc.toMutableJSON());
        const departmentDocs = departments.map((doc) => doc.toMutableJSON());
        setDirectory({
          users: new Map(userDocs.map((user) => [user.id, user])),
          departments: new Map(departmentDocs.map((department) => [department.id, department])),
          userList: userDocs.filter((user) => user.active).sort(byName),
          departmentList: departmentDocs.filter((department) => department.active).sort(byName),
          templates: templates.map((doc) => doc.toMutableJSON()).filter((template) => template.active),
          calendars: new Map(calendars.map((doc): [string, Calendar] => [doc.id, doc.toMutableJSON()])),
        });
      },
    );
    return () => subscription.unsubscribe();
  }, [db]);
  return directory;
}
