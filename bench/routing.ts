/**
 * Routing: evaluating 200 rules for a new ticket (target p95 ≤ 1 ms), and re-applying them to
 * 100,000 existing tickets (target ≤ 30 s, with progress), on texts of the demo caseload
 * (core/demo, Spanish mails, calls and visits) and the default rules of resources/council/ plus
 * generated rules up to 200. Also: compiling the rules, and computing deadlines in días hábiles.
 *
 *   npx tsx bench/routing.ts                          # 200 rules, 100k tickets (~1 minute)
 *   RULES=200 TICKETS=20000 npx tsx bench/routing.ts  # a quick run
 *
 * Options (flag or environment): --rules, --tickets (re-applied), --sample (distinct tickets
 * generated; the re-applied ones cycle through them with new ids), --reps (single-ticket
 * evaluations timed), --seed. Progress on stderr, one JSON line on stdout.
 */
import { computeDeadline, workingCalendar } from '../core/calendar';
import { generateCaseload } from '../core/demo/caseload';
import { Random } from '../core/demo/random';
import { compileRules, reapplyRules, routeTicket, type RoutedTicket, type RoutingTicket } from '../core/routing';
import { defaultCouncil } from '../core/routing/test-council';
import { spanishWords } from '../core/text/spanish-search';
import type { Message, Rule, RuleCondition } from '../core/schemas';
import { loadAverage, machine, ms, numberOption, percentiles, progress, stringOption } from './support';

const config = {
  rules: numberOption('rules', 200),
  tickets: numberOption('tickets', 100_000),
  sample: numberOption('sample', 5_000),
  reps: numberOption('reps', 5_000),
  seed: stringOption('seed', 'bench'),
};
const TARGETS = { evaluateP95Ms: 1, reapply100kMs: 30_000 };

/** User + system CPU time of this process, in ms (it may exceed the wall clock with GC threads). */
function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

const started = performance.now();
const loadAtStart = loadAverage();

// ── Tickets: the demo caseload's tickets with their first message ─────────────────────────────
progress(`generating ${config.sample} tickets of the demo caseload`);
const caseload = generateCaseload({ seed: config.seed, tickets: config.sample, messagesPerTicket: 1 });
const firstMessage = new Map<string, Message>();
for (const message of caseload.messages) {
  const known = firstMessage.get(message.ticketId);
  if (!known || message.createdAt < known.createdAt) firstMessage.set(message.ticketId, message);
}
const sample: RoutingTicket[] = caseload.tickets.map((ticket) => {
  const message = firstMessage.get(ticket.id);
  return {
    id: ticket.id,
    channel: ticket.channel,
    ...(message?.email ? { mailbox: message.email.mailbox, from: message.email.from.address } : {}),
    subject: ticket.subject,
    body: message?.text ?? '',
    priority: ticket.priority,
    receivedAt: ticket.createdAt,
  };
});
const bodyChars = sample.reduce((sum, ticket) => sum + ticket.body.length, 0) / sample.length;

// ── Rules: the default set, then generated ones on the caseload's own vocabulary ─────────────
const council = defaultCouncil();
const vocabulary = [...new Set(sample.slice(0, 500).flatMap((ticket) => spanishWords(`${ticket.subject} ${ticket.body}`)).filter((word) => word.length > 4))].sort();
const random = new Random(config.seed, 'routing-rules');
const pick = <T>(list: readonly T[]): T => list[random.int(list.length)]!;
const rules: Rule[] = council.rules.slice(0, config.rules);
for (let index = rules.length; index < config.rules; index++) {
  const phrases = Array.from({ length: 1 + random.int(4) }, () => (random.chance(0.3) ? `${pick(vocabulary)} ${pick(vocabulary)}` : pick(vocabulary)));
  const conditions: RuleCondition[] = [{ type: 'words', field: pick(['subject', 'body', 'subject_or_body'] as const), words: [...new Set(phrases)], match: random.chance(0.7) ? 'any' : 'all' }];
  if (random.chance(0.2)) conditions.push({ type: 'channel', channels: ['email', 'web_form'] });
  if (random.chance(0.1)) conditions.push({ type: 'sender_domain', domains: ['gob.es', 'correo.example'], negate: true });
  if (random.chance(0.1)) conditions.push({ type: 'time', window: 'outside_working_hours' });
  rules.push({
    id: `bench-rule-${String(index).padStart(4, '0')}`,
    name: `Regla generada ${index}`,
    order: 200 + index,
    enabled: true,
    match: random.chance(0.8) ? 'all' : 'any',
    conditions,
    actions: random.chance(0.5) ? [{ type: 'add_tags', tags: [`tema-${index}`] }] : [{ type: 'set_department', departmentId: pick(council.departments).id }],
    createdAt: 0,
    updatedAt: 0,
  });
}
const context = { calendars: council.calendars, defaultCalendarId: 'cal-ayuntamiento', departments: council.departments };

progress(`compiling ${rules.length} rules`);
const compileTimes: number[] = [];
let compiled = compileRules(rules, context);
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  compiled = compileRules(rules, context);
  compileTimes.push(performance.now() - t0);
}
if (compiled.problems.length > 0) throw new Error(`rules with problems: ${JSON.stringify(compiled.problems.slice(0, 3))}`);

// ── One new ticket at a time ─────────────────────────────────────────────────────────────────
progress(`routing ${config.reps} new tickets one by one through ${compiled.rules.length} rules`);
for (let i = 0; i < 500; i++) routeTicket(compiled, { ...sample[i % sample.length]! }); // warm up
const evaluateTimes: number[] = [];
let matchedTotal = 0;
let intake = 0;
for (let i = 0; i < config.reps; i++) {
  const ticket = { ...sample[i % sample.length]!, id: `new-${i}` };
  const t0 = performance.now();
  const decision = routeTicket(compiled, ticket);
  evaluateTimes.push(performance.now() - t0);
  matchedTotal += decision.matchedRules.length;
  if (decision.departmentId === '') intake++;
}
const loadBeforeReapply = loadAverage();

// ── Re-applying the rules to existing tickets ────────────────────────────────────────────────
progress(`re-applying the rules to ${config.tickets} tickets`);
function* existing(): Generator<RoutedTicket> {
  for (let i = 0; i < config.tickets; i++) {
    const ticket = sample[i % sample.length]!;
    yield { ...ticket, id: `${ticket.id.slice(0, 30)}-${i}`, departmentId: '', tags: [] };
  }
}
const progressPoints: number[] = [];
const tickets = Array.from(existing());
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = reapplyRules(compiled, tickets, {
  progressEvery: 10_000,
  onProgress: ({ done, total }) => {
    progressPoints.push(done);
    progress(`  ${done} / ${total} (${Math.round(performance.now() - t0)} ms)`);
  },
});
const reapplyMs = performance.now() - t0;
// On a shared machine the wall clock also counts the time other processes held the CPU.
const reapplyCpuMs = cpuMs(process.cpuUsage(cpu0));

// ── Deadlines in días hábiles for as many tickets ───────────────────────────────────────────
progress(`computing ${config.tickets} deadlines (10 días hábiles, 3 months, 8 working hours)`);
const calendar = workingCalendar(council.calendars[0]!);
const cpu1 = process.cpuUsage();
const t1 = performance.now();
for (let i = 0; i < config.tickets; i++) {
  const receivedAt = sample[i % sample.length]!.receivedAt + i * 60_000;
  computeDeadline(calendar, { amount: 10, unit: 'working_days' }, receivedAt);
  computeDeadline(calendar, { amount: 3, unit: 'months' }, receivedAt);
  computeDeadline(calendar, { amount: 8, unit: 'working_hours' }, receivedAt);
}
const deadlinesMs = performance.now() - t1;
const deadlinesCpuMs = cpuMs(process.cpuUsage(cpu1));

const evaluate = percentiles(evaluateTimes);
console.log(
  JSON.stringify({
    bench: 'routing',
    machine: { ...machine(), load: { start: loadAtStart, beforeReapply: loadBeforeReapply, end: loadAverage() } },
    config: { ...config, rulesCompiled: compiled.rules.length, sampleBodyChars: Math.round(bodyChars) },
    compile: percentiles(compileTimes),
    evaluate: { ...evaluate, matchedRulesPerTicket: Math.round((matchedTotal / config.reps) * 100) / 100, intakeShare: Math.round((intake / config.reps) * 1000) / 1000 },
    reapply: { tickets: result.examined, ms: ms(reapplyMs), cpuMs: ms(reapplyCpuMs), ticketsPerSec: Math.round(result.examined / (reapplyMs / 1000)), changes: result.changes.length, progressReports: progressPoints.length },
    deadlines: { tickets: config.tickets, periodsComputed: config.tickets * 3, ms: ms(deadlinesMs), cpuMs: ms(deadlinesCpuMs), microsPerPeriod: Math.round((deadlinesMs * 1000) / (config.tickets * 3) * 100) / 100 },
    targets: {
      evaluateP95Ms: TARGETS.evaluateP95Ms,
      evaluateMet: evaluate.p95 <= TARGETS.evaluateP95Ms,
      reapply100kMs: TARGETS.reapply100kMs,
      reapplyMet: config.tickets >= 100_000 ? reapplyMs <= TARGETS.reapply100kMs : null,
    },
    totalMs: ms(performance.now() - started),
  }),
);
