// Staff skills through the admin command line: what a department that assigns by skill matches.
import { describe, expect, it } from 'vitest';
import { useServerCli } from '../test-support/cli-harness';
import { normaliseSkills } from './admin-actions';

const PASSWORD = 'una contraseña larga';

describe('skills of a new user', () => {
  const cli = useServerCli();
  const { run, output, errors } = cli;
  const userDocument = async (email: string) => {
    const db = await cli.openDatabase();
    try {
      const account = await db.users.byEmail(email);
      const [row] = await db.getDocuments('users', [account!.id]);
      return JSON.parse(row!.body) as { skills: string[] };
    } finally {
      await db.close();
    }
  };

  it('are written on the users document that replicates, as given with --skills', async () => {
    expect(await run('create-department', '--id', 'urbanismo', '--name', 'Urbanismo', '--code', 'URB', '--assignment', 'skill')).toBe(0);
    expect(await run('create-user', '--email', 'ana@ayto.example', '--name', 'Ana Belén Rubio', '--role', 'clerk', '--departments', 'urbanismo', '--skills', 'licencias, disciplina urbanística', '--password', PASSWORD)).toBe(0);
    expect(output.join('')).toMatch(/created clerk ana@ayto\.example \(id [0-9a-f-]{36}\) in urbanismo, skills: licencias, disciplina urbanística\n$/);
    expect((await userDocument('ana@ayto.example')).skills).toEqual(['licencias', 'disciplina urbanística']);
  });

  it('are none without the option', async () => {
    expect(await run('create-user', '--email', 'luis@ayto.example', '--name', 'Luis Gil', '--role', 'clerk', '--password', PASSWORD)).toBe(0);
    expect((await userDocument('luis@ayto.example')).skills).toEqual([]);
  });

  it('refuses a skill too long for the schema, and creates no account', async () => {
    expect(await run('create-user', '--email', 'eva@ayto.example', '--name', 'Eva', '--role', 'clerk', '--skills', 'x'.repeat(65), '--password', PASSWORD)).toBe(1);
    expect(errors[0]).toMatch(/^error: .*skills/);
    const db = await cli.openDatabase();
    try {
      expect(await db.users.byEmail('eva@ayto.example')).toBeNull();
    } finally {
      await db.close();
    }
  });
});

describe('normalising skills', () => {
  it('trims them, drops empty ones and repeats that differ only in case or accents', () => {
    expect(normaliseSkills([' licencias ', '', 'Licencias', 'padrón', 'padron', 'obra   menor'])).toEqual(['licencias', 'padrón', 'obra menor']);
  });
});
