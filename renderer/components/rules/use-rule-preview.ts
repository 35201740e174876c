// The live preview of the rule being edited: the newest tickets of the replica with their first
// messages, read once when the editor opens (renderer/data/rules-tickets.ts), and core's
// `previewRule` run on them a moment after the supervisor stops typing — never on each key, so
// typing stays instant however many tickets the sample holds.
import { useEffect, useMemo, useState } from 'react';
import { previewRule, type RoutingContext, type RulePreview } from '../../../core/routing';
import type { Rule } from '../../../core/schemas';
import type { WorkstationDatabase } from '../../platform/platform';
import { previewSample, type SampleTicket } from '../../data/rules-tickets';

/** How long typing must pause before the preview runs again. */
export const PREVIEW_DEBOUNCE_MS = 300;

export type PreviewState =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'incomplete' }
  | { state: 'ready'; preview: RulePreview; sample: readonly SampleTicket[]; stale: boolean };

export function useRulePreview(db: WorkstationDatabase, rule: Rule | undefined, context: RoutingContext): PreviewState {
  const [sample, setSample] = useState<{ tickets?: SampleTicket[]; error?: string }>({});
  useEffect(() => {
    let live = true;
    previewSample(db).then(
      (tickets) => live && setSample({ tickets }),
      (error: unknown) => live && setSample({ error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [db]);

  const key = rule ? JSON.stringify([rule.match, rule.conditions]) : '';
  const [settled, setSettled] = useState<{ key: string; rule?: Rule }>({ key, ...(rule && { rule }) });
  useEffect(() => {
    if (key === settled.key) return undefined;
    const timer = setTimeout(() => setSettled({ key, ...(rule && { rule }) }), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `rule` changes identity on every render; its key says when it really changed.
  }, [key]);

  const preview = useMemo(() => (settled.rule && sample.tickets ? previewRule(settled.rule, sample.tickets, context) : undefined), [settled, sample.tickets, context]);

  if (sample.error !== undefined) return { state: 'failed', message: sample.error };
  if (!sample.tickets) return { state: 'loading' };
  if (!rule) return { state: 'incomplete' };
  if (!preview) return { state: 'loading' };
  return { state: 'ready', preview, sample: sample.tickets, stale: key !== settled.key };
}
