/**
 * Templates (canned answers): rendering with variables, conditional sections and official
 * links, choosing the document for a department and language, and suggesting templates for a
 * ticket's text.
 */
export {
  STANDARD_VARIABLES,
  fillInVariables,
  renderDraft,
  renderTemplate,
  templateVariables,
  type DraftBlank,
  type RenderedDraft,
  type RenderedTemplate,
  type StandardVariable,
  type TemplateRenderError,
  type TemplateValues,
} from './render';
export { parseBody, type ParsedBody } from './placeholders';
export { formatDate, standardValues, type ReplyContext } from './values';
export { FALLBACK_LANGUAGE, availableTemplates, pickTemplate, type TemplateChoice } from './pick';
export { SUGGEST_TEXT_LIMIT, buildTemplateIndex, meaningfulStems, meaningfulWords, suggestTemplates, type TemplateIndex, type TemplateSuggestion } from './suggest';
