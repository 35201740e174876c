/**
 * The fictional council of the demo: Ayuntamiento de Villanueva del Prado (Madrid), its 15
 * departments, 40 staff and working calendars; its canned answers and routing rules are in
 * templates-and-rules.ts. The structure is fixed data (so documentation and screenshots can name
 * "Lucía Fernández, Urbanismo"); ids and times come from the seed and the caseload's period.
 */
import type { Calendar, Department, Holiday, User } from '../schemas';
import { Random, uuidv7 } from './random';
import { mailLocal } from './people';

export const COUNCIL_NAME = 'Ayuntamiento de Villanueva del Prado';
/** The council's mail domain, under the reserved `.example` TLD (RFC 2606). */
export const COUNCIL_DOMAIN = 'ayto-villanueva.example';
/** The council's e-office (sede electrónica); fictional. */
export const SEDE_URL = 'https://sede.ayto-villanueva.example';

export type DepartmentPlan = {
  id: string;
  name: string;
  code: string;
  aliases: string[];
  sla: Department['sla'];
  assignmentMode: Department['assignmentMode'];
  calendarId?: string;
  /** The office of the department, for messages: 'Concejalía de Urbanismo'. */
  office: string;
};

const wd = (amount: number) => ({ amount, unit: 'working_days' as const });

export const DEPARTMENTS: readonly DepartmentPlan[] = [
  { id: 'urbanismo', name: 'Urbanismo', code: 'URB', aliases: ['urbanismo', 'licencias'], sla: { response: wd(5), resolution: { amount: 1, unit: 'months' } }, assignmentMode: 'skill', office: 'Concejalía de Urbanismo' },
  { id: 'hacienda', name: 'Hacienda y Tributos', code: 'HAC', aliases: ['tributos', 'recaudacion'], sla: { response: wd(3), resolution: wd(20) }, assignmentMode: 'least_open', office: 'Servicio de Gestión Tributaria' },
  { id: 'padron', name: 'Padrón', code: 'PAD', aliases: ['padron', 'estadistica'], sla: { response: wd(2), resolution: wd(5) }, assignmentMode: 'round_robin', office: 'Negociado de Padrón y Estadística' },
  { id: 'servicios-sociales', name: 'Servicios Sociales', code: 'SSO', aliases: ['serviciossociales'], sla: { response: wd(2), resolution: wd(30) }, assignmentMode: 'skill', office: 'Centro Municipal de Servicios Sociales' },
  { id: 'medio-ambiente', name: 'Medio Ambiente', code: 'MAM', aliases: ['medioambiente'], sla: { response: wd(3), resolution: wd(15) }, assignmentMode: 'round_robin', office: 'Concejalía de Medio Ambiente' },
  { id: 'policia-local', name: 'Policía Local', code: 'PLO', aliases: ['policia'], sla: { response: { amount: 8, unit: 'working_hours' }, resolution: { amount: 10, unit: 'calendar_days' } }, assignmentMode: 'least_open', calendarId: 'cal-policia', office: 'Jefatura de Policía Local' },
  { id: 'cultura', name: 'Cultura', code: 'CUL', aliases: ['cultura', 'biblioteca'], sla: { response: wd(5) }, assignmentMode: 'manual', office: 'Casa de la Cultura' },
  { id: 'deportes', name: 'Deportes', code: 'DEP', aliases: ['deportes'], sla: { response: wd(5), resolution: wd(15) }, assignmentMode: 'manual', office: 'Patronato Municipal de Deportes' },
  { id: 'educacion', name: 'Educación', code: 'EDU', aliases: ['educacion'], sla: { response: wd(3), resolution: wd(20) }, assignmentMode: 'round_robin', office: 'Concejalía de Educación' },
  { id: 'obras-servicios', name: 'Obras y Servicios', code: 'OBS', aliases: ['obras', 'mantenimiento'], sla: { response: wd(2), resolution: wd(10) }, assignmentMode: 'least_open', office: 'Servicio de Obras y Mantenimiento' },
  { id: 'movilidad', name: 'Movilidad', code: 'MOV', aliases: ['movilidad', 'trafico'], sla: { response: wd(5), resolution: { amount: 1, unit: 'months' } }, assignmentMode: 'round_robin', office: 'Concejalía de Movilidad' },
  { id: 'comercio', name: 'Comercio', code: 'COM', aliases: ['comercio', 'omic'], sla: { response: wd(5), resolution: { amount: 1, unit: 'months' } }, assignmentMode: 'manual', office: 'Concejalía de Comercio y Consumo' },
  { id: 'juventud', name: 'Juventud', code: 'JUV', aliases: ['juventud'], sla: { response: wd(5) }, assignmentMode: 'manual', office: 'Espacio Joven' },
  { id: 'igualdad', name: 'Igualdad', code: 'IGU', aliases: ['igualdad'], sla: { response: wd(1), resolution: wd(10) }, assignmentMode: 'manual', office: 'Punto Municipal de Igualdad' },
  { id: 'atencion-ciudadana', name: 'Atención Ciudadana', code: 'OAC', aliases: ['oac', 'registro', 'info'], sla: { response: { amount: 8, unit: 'working_hours' }, resolution: wd(5) }, assignmentMode: 'round_robin', office: 'Oficina de Atención Ciudadana' },
];

export type DepartmentId = string;

/** A member of staff as planned: the user document is built from it. */
export type StaffPlan = {
  name: string;
  role: User['role'];
  departmentIds: string[];
  skills: string[];
  away?: boolean;
  /** Left the council this many days before the caseload's end: inactive, only older tickets. */
  leftDaysAgo?: number;
};

export const STAFF: readonly StaffPlan[] = [
  { name: 'Roberto Sáez Carmona', role: 'admin', departmentIds: [], skills: ['administración'] },
  { name: 'Lucía Fernández Soto', role: 'supervisor', departmentIds: ['urbanismo', 'medio-ambiente'], skills: ['licencias', 'disciplina urbanística'] },
  { name: 'Javier Morales Ibáñez', role: 'supervisor', departmentIds: ['hacienda'], skills: ['ibi', 'plusvalía', 'recaudación'] },
  { name: 'Pilar Gómez Arroyo', role: 'supervisor', departmentIds: ['servicios-sociales', 'igualdad'], skills: ['dependencia', 'emergencia social'] },
  { name: 'Alberto Ruiz Carrasco', role: 'supervisor', departmentIds: ['obras-servicios', 'movilidad'], skills: ['alumbrado', 'vías públicas'] },
  { name: 'Marta Iglesias Prieto', role: 'supervisor', departmentIds: ['atencion-ciudadana', 'padron', 'cultura', 'deportes', 'educacion', 'juventud', 'comercio'], skills: ['registro', 'padrón'] },
  { name: 'Fernando Delgado Vera', role: 'supervisor', departmentIds: ['policia-local'], skills: ['tráfico', 'convivencia'] },
  { name: 'Ana Belén Rubio Sanz', role: 'clerk', departmentIds: ['urbanismo'], skills: ['licencias'] },
  { name: 'Carlos Navarro Gil', role: 'clerk', departmentIds: ['urbanismo', 'comercio'], skills: ['licencias', 'actividades'] },
  { name: 'Elena Castro Medina', role: 'clerk', departmentIds: ['urbanismo'], skills: ['disciplina urbanística'], away: true },
  { name: 'Sergio Ortega Núñez', role: 'clerk', departmentIds: ['urbanismo'], skills: ['cédulas urbanísticas'] },
  { name: 'Rosa María Blanco Herrera', role: 'clerk', departmentIds: ['hacienda'], skills: ['ibi'] },
  { name: 'David Serrano Molina', role: 'clerk', departmentIds: ['hacienda'], skills: ['vehículos'] },
  { name: 'Isabel Garrido Lozano', role: 'clerk', departmentIds: ['hacienda'], skills: ['plusvalía'] },
  { name: 'Raúl Cano Méndez', role: 'clerk', departmentIds: ['hacienda'], skills: ['recaudación'], leftDaysAgo: 300 },
  { name: 'Nuria Vidal León', role: 'clerk', departmentIds: ['padron'], skills: ['padrón'] },
  { name: 'Antonio Márquez Peña', role: 'clerk', departmentIds: ['padron', 'atencion-ciudadana'], skills: ['padrón', 'extranjería'], away: true },
  { name: 'Carmen Reyes Nieto', role: 'clerk', departmentIds: ['servicios-sociales'], skills: ['dependencia'] },
  { name: 'Beatriz Pascual Montero', role: 'clerk', departmentIds: ['servicios-sociales'], skills: ['ayuda a domicilio'] },
  { name: 'Miguel Ángel Hidalgo Ferrer', role: 'clerk', departmentIds: ['servicios-sociales'], skills: ['emergencia social'] },
  { name: 'Laura Durán Benítez', role: 'clerk', departmentIds: ['medio-ambiente'], skills: ['ruidos', 'animales'] },
  { name: 'Pablo Mora Vargas', role: 'clerk', departmentIds: ['medio-ambiente', 'obras-servicios'], skills: ['zonas verdes'] },
  { name: 'Jesús Arias Crespo', role: 'clerk', departmentIds: ['policia-local'], skills: ['tráfico'] },
  { name: 'Raquel Román Pastor', role: 'clerk', departmentIds: ['policia-local'], skills: ['convivencia'] },
  { name: 'Óscar Velasco Moya', role: 'clerk', departmentIds: ['policia-local', 'movilidad'], skills: ['tráfico', 'sanciones'] },
  { name: 'Julia Soler Parra', role: 'clerk', departmentIds: ['cultura'], skills: ['talleres', 'biblioteca'] },
  { name: 'Adrián Esteban Bravo', role: 'clerk', departmentIds: ['deportes'], skills: ['instalaciones'] },
  { name: 'Cristina Gallardo Rojas', role: 'clerk', departmentIds: ['educacion'], skills: ['escuelas infantiles'] },
  { name: 'Patricia Merino Franco', role: 'clerk', departmentIds: ['educacion', 'juventud'], skills: ['becas'] },
  { name: 'José Luis Espinosa Lara', role: 'clerk', departmentIds: ['obras-servicios'], skills: ['alumbrado'] },
  { name: 'Francisco Rivas Silva', role: 'clerk', departmentIds: ['obras-servicios'], skills: ['vías públicas'] },
  { name: 'Mercedes Rivera Casado', role: 'clerk', departmentIds: ['obras-servicios'], skills: ['limpieza', 'enseres'] },
  { name: 'Iván Redondo Camacho', role: 'clerk', departmentIds: ['movilidad'], skills: ['vados'] },
  { name: 'Alicia Rey Otero', role: 'clerk', departmentIds: ['movilidad'], skills: ['estacionamiento'] },
  { name: 'Ramón Luque Galán', role: 'clerk', departmentIds: ['comercio'], skills: ['terrazas', 'mercadillo'] },
  { name: 'Irene Montes Ríos', role: 'clerk', departmentIds: ['juventud', 'cultura', 'deportes'], skills: ['juventud'] },
  { name: 'Silvia Sierra Segura', role: 'clerk', departmentIds: ['igualdad', 'servicios-sociales'], skills: ['igualdad'] },
  { name: 'Teresa Carrillo Marcos', role: 'clerk', departmentIds: ['atencion-ciudadana', 'padron'], skills: ['registro'] },
  { name: 'Jorge Escudero Maldonado', role: 'clerk', departmentIds: ['atencion-ciudadana'], skills: ['registro', 'certificado digital'] },
  { name: 'Lorena Plaza Mateos', role: 'clerk', departmentIds: ['atencion-ciudadana'], skills: ['cita previa'] },
];

export const OFFICES = ['OAC Centro', 'OAC Barrio Norte', 'Registro General', 'Casa Consistorial'] as const;

export function departmentMailbox(plan: DepartmentPlan): string {
  return `${plan.aliases[0]}@${COUNCIL_DOMAIN}`;
}

/** The general mailbox, whose mail lands in the intake queue until someone routes it. */
export const GENERAL_MAILBOX = `registro@${COUNCIL_DOMAIN}`;

// ── Calendars ───────────────────────────────────────────────────────────────────────────────

function ymd(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher): [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

function shiftDate(year: number, month: number, day: number, days: number): string {
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return ymd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * The holidays of Villanueva del Prado in a year: national (BOE), the Comunidad de Madrid's, and
 * the town's two local ones. A simplification of the real yearly resolutions: the movable
 * regional holiday alternates between San José and Santiago Apóstol.
 */
export function holidaysOf(year: number): Holiday[] {
  const [em, ed] = easterSunday(year);
  const holidays: Holiday[] = [
    { date: ymd(year, 1, 1), name: 'Año Nuevo', scope: 'national' },
    { date: ymd(year, 1, 6), name: 'Epifanía del Señor', scope: 'national' },
    { date: shiftDate(year, em, ed, -3), name: 'Jueves Santo', scope: 'regional' },
    { date: shiftDate(year, em, ed, -2), name: 'Viernes Santo', scope: 'national' },
    { date: ymd(year, 5, 1), name: 'Fiesta del Trabajo', scope: 'national' },
    { date: ymd(year, 5, 2), name: 'Fiesta de la Comunidad de Madrid', scope: 'regional' },
    { date: ymd(year, 5, 15), name: 'San Isidro Labrador', scope: 'local' },
    { date: ymd(year, 8, 15), name: 'Asunción de la Virgen', scope: 'national' },
    { date: ymd(year, 9, 8), name: 'Fiestas Patronales de Nuestra Señora del Prado', scope: 'local' },
    { date: ymd(year, 10, 12), name: 'Fiesta Nacional de España', scope: 'national' },
    { date: ymd(year, 11, 1), name: 'Todos los Santos', scope: 'national' },
    { date: ymd(year, 12, 6), name: 'Día de la Constitución Española', scope: 'national' },
    { date: ymd(year, 12, 8), name: 'Inmaculada Concepción', scope: 'national' },
    { date: ymd(year, 12, 25), name: 'Natividad del Señor', scope: 'national' },
  ];
  holidays.push(year % 2 === 0 ? { date: ymd(year, 3, 19), name: 'San José', scope: 'regional' } : { date: ymd(year, 7, 25), name: 'Santiago Apóstol', scope: 'regional' });
  return holidays.sort((a, b) => a.date.localeCompare(b.date));
}

export function buildCalendars(firstYear: number, lastYear: number, createdAt: number): Calendar[] {
  const holidays: Holiday[] = [];
  for (let year = firstYear; year <= lastYear; year++) holidays.push(...holidaysOf(year));
  return [
    {
      id: 'cal-villanueva',
      name: 'Calendario laboral de Villanueva del Prado',
      region: 'ES-MD',
      timeZone: 'Europe/Madrid',
      workingDays: [1, 2, 3, 4, 5],
      workingHours: [{ start: '09:00', end: '14:00' }],
      holidays,
      createdAt,
      updatedAt: createdAt,
    },
    {
      id: 'cal-policia',
      name: 'Policía Local (servicio de 24 horas)',
      region: 'ES-MD',
      timeZone: 'Europe/Madrid',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: [{ start: '00:00', end: '23:59' }],
      holidays: [],
      createdAt,
      updatedAt: createdAt,
    },
  ];
}

// ── Departments and staff ───────────────────────────────────────────────────────────────────

export function buildDepartments(createdAt: number): Department[] {
  return DEPARTMENTS.map((plan) => ({
    id: plan.id,
    name: plan.name,
    code: plan.code,
    mailAliases: plan.aliases.map((alias) => `${alias}@${COUNCIL_DOMAIN}`),
    ...(plan.calendarId ? { calendarId: plan.calendarId } : { calendarId: 'cal-villanueva' }),
    sla: plan.sla,
    assignmentMode: plan.assignmentMode,
    active: true,
    createdAt,
    updatedAt: createdAt,
  }));
}

/** 'Lucía Fernández Soto' → 'lfernandez@ayto-villanueva.example'. */
function staffEmail(name: string, taken: Set<string>): string {
  const [given = '', first = '', second = ''] = name.replace(/^(María|José|Ana|Miguel|Rosa|Juan) (\S+) /, '$1$2 ').split(' ');
  let local = mailLocal(given).slice(0, 1) + mailLocal(first);
  if (taken.has(local)) local += mailLocal(second).slice(0, 1);
  taken.add(local);
  return `${local}@${COUNCIL_DOMAIN}`;
}

export function buildUsers(seed: string, createdAt: number, end: number): User[] {
  const taken = new Set<string>();
  return STAFF.map((plan, index) => {
    const random = new Random(seed, 'users', index);
    const joined = createdAt + index * 60_000;
    const left = plan.leftDaysAgo === undefined ? undefined : end - plan.leftDaysAgo * 86_400_000;
    return {
      id: uuidv7(random, joined),
      name: plan.name,
      email: staffEmail(plan.name, taken),
      role: plan.role,
      departmentIds: plan.departmentIds,
      skills: plan.skills,
      language: 'es',
      active: left === undefined,
      away: plan.away ?? false,
      createdAt: joined,
      updatedAt: left ?? joined,
    };
  });
}
