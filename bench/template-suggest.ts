/**
 * Suggested answers on the ticket screen (issue 6): what the clerk's workstation computes when a
 * ticket opens or its thread changes — the citizen's text of a 200-message thread and the
 * ranking of the templates — and the index, built once per set of templates. Bounded: a few
 * seconds.
 *
 *   npx tsx bench/template-suggest.ts [--messages 200] [--templates 500] [--reps 300]
 */
import { buildTemplates } from '../core/demo/templates-and-rules';
import { defaultCouncil } from '../core/routing/test-council';
import type { Message, Template } from '../core/schemas';
import { buildTemplateIndex, suggestTemplates } from '../core/templates';
import { citizenText } from '../renderer/data/template-reply';
import { loadAverage, machine, ms, numberOption, percentiles, progress } from './support';

const messages = numberOption('messages', 200);
const templateCount = numberOption('templates', 500);
const reps = numberOption('reps', 300);

// The demo's and the shipped templates, copied under other keys up to the size of a large council.
const base: Template[] = [...buildTemplates('bench', Date.UTC(2025, 0, 1)), ...defaultCouncil().templates];
const templates: Template[] = [];
for (let i = 0; templates.length < templateCount; i++) {
  const source = base[i % base.length]!;
  templates.push(i < base.length ? source : { ...source, id: `${source.id}-${i}`, key: `${source.key}-${i}`.slice(0, 64) });
}

const mail =
  'Buenos días: quiero solicitar la licencia de obra menor para cambiar el suelo de la cocina y el alicatado del baño. ' +
  'Adjunto el presupuesto y las fotografías. ¿Tengo que pagar el ICIO antes de empezar? Un saludo.\n\n' +
  '> El 3 de marzo escribió el Ayuntamiento: le recordamos que la declaración responsable se presenta en la sede electrónica.\n'.repeat(8);
const thread: Message[] = Array.from({ length: messages }, (_, i) => ({
  id: `m${i}`,
  kind: i % 2 === 0 ? 'email_in' : 'email_out',
  ticketId: 't',
  citizenId: 'c',
  ...(i % 2 === 1 && { authorId: 'u' }),
  subject: `Re: Licencia de obra menor (${i})`,
  text: mail,
  attachments: [],
  createdAt: Date.UTC(2025, 2, 1) + i * 60_000,
  auto: false,
}));

const loadAtStart = loadAverage();
progress(`${templates.length} templates, ${messages} messages, ${reps} repetitions`);

const buildTimes: number[] = [];
let index = buildTemplateIndex(templates);
for (let i = 0; i < Math.max(10, Math.floor(reps / 10)); i++) {
  const started = performance.now();
  index = buildTemplateIndex(templates);
  buildTimes.push(performance.now() - started);
}

const suggestTimes: number[] = [];
let shown = 0;
for (let i = 0; i < reps; i++) {
  const started = performance.now();
  const question = citizenText(thread);
  shown = suggestTemplates(index, { subject: 'Licencia de obra menor', body: question }, { departmentId: 'urbanismo', language: 'es', limit: 3 }).length;
  suggestTimes.push(performance.now() - started);
}

const round = (p: ReturnType<typeof percentiles>) => ({ n: p.n, p50: ms(p.p50), p95: ms(p.p95), max: ms(p.max) });
console.log(
  JSON.stringify({
    benchmark: 'template-suggest',
    machine: machine(),
    load: { start: loadAtStart, end: loadAverage() },
    templates: templates.length,
    messages,
    suggestionsShown: shown,
    indexBuildMs: round(percentiles(buildTimes)),
    ticketSuggestMs: round(percentiles(suggestTimes)),
  }),
);
