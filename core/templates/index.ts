/**
 * Templates (canned answers): rendering with variables and official links, choosing the
 * document for a department and language, and suggesting templates for a ticket's text.
 */
export {
  STANDARD_VARIABLES,
  fillInVariables,
  renderTemplate,
  templateVariables,
  type RenderedTemplate,
  type StandardVariable,
  type TemplateRenderError,
  type TemplateValues,
} from './render';
export { formatDate, standardValues, type ReplyContext } from './values';
export { FALLBACK_LANGUAGE, availableTemplates, pickTemplate, type TemplateChoice } from './pick';
export { buildTemplateIndex, meaningfulStems, suggestTemplates, type TemplateIndex, type TemplateSuggestion } from './suggest';
