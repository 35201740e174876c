// A working calendar: which days and hours count for deadlines (días hábiles) and SLAs.
import type { RxJsonSchema } from 'rxdb';
import { enumProperty, idProperty, timestampProperty, type Timestamp } from './fields';

export const HOLIDAY_SCOPES = ['national', 'regional', 'local'] as const;
/** Who declares it: the State, the autonomous community, or the municipality. */
export type HolidayScope = (typeof HOLIDAY_SCOPES)[number];

export type Holiday = {
  /** 'YYYY-MM-DD' in the calendar's time zone. */
  date: string;
  /** As published in the official bulletin (BOE, boletín autonómico): 'Día de la Hispanidad'. */
  name: string;
  scope: HolidayScope;
};

/** A span of a working day, 'HH:MM' 24-hour clock, end after start. */
export type WorkingHours = { start: string; end: string };

export type Calendar = {
  id: string;
  name: string;
  /** ISO 3166-2 code of the autonomous community ('ES-MD', 'ES-CN'): whose holidays apply. */
  region: string;
  /** IANA time zone: 'Europe/Madrid', or 'Atlantic/Canary' in the Canary Islands. */
  timeZone: string;
  /** ISO weekdays that are working days, 1 = Monday … 7 = Sunday; usually [1, 2, 3, 4, 5]. */
  workingDays: number[];
  /** Opening hours of a working day; several spans for a split day. */
  workingHours: WorkingHours[];
  /** Holidays of every year the calendar covers, each year added as it is published. */
  holidays: Holiday[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

const clockTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;

export const calendarSchema: RxJsonSchema<Calendar> = {
  title: 'calendars',
  description: 'Working days, hours and holidays used to count deadlines and SLAs.',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: idProperty,
    name: { type: 'string', minLength: 1, maxLength: 256 },
    region: { type: 'string', pattern: '^[A-Z]{2}-[A-Z0-9]{1,3}$' },
    timeZone: { type: 'string', minLength: 1, maxLength: 64 },
    workingDays: {
      type: 'array',
      maxItems: 7,
      uniqueItems: true,
      items: { type: 'integer', minimum: 1, maximum: 7 },
    },
    workingHours: {
      type: 'array',
      maxItems: 8,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { start: clockTime, end: clockTime },
        required: ['start', 'end'],
      },
    },
    holidays: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          date: { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
          name: { type: 'string', minLength: 1, maxLength: 256 },
          scope: enumProperty(HOLIDAY_SCOPES),
        },
        required: ['date', 'name', 'scope'],
      },
    },
    createdAt: timestampProperty,
    updatedAt: timestampProperty,
  },
  required: ['id', 'name', 'region', 'timeZone', 'workingDays', 'workingHours', 'holidays', 'createdAt', 'updatedAt'],
  // A handful of documents: no index.
};
