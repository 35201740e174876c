// Fills a template's {{variables}} for the reply box. core/templates (another issue) will own the
// rendering rules (escaping, dates, missing values); until it lands, this knows the variables the
// council's templates use and leaves any other one as written, so the clerk sees and fixes it.
export type TemplateValues = Record<string, string | undefined>;

export function fillTemplate(body: string, values: TemplateValues): string {
  return body.replace(/\{\{\s*([a-zA-Z_.]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
