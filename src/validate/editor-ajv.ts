import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is module.exports.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

/**
 * Keywords editors read and validators ignore: yaml-language-server / VS Code (markdownDescription, enum
 * descriptions, snippets, error wording) and JetBrains (x-intellij-*). Registered so that ajv's strict mode,
 * which refuses unknown keywords, accepts the editor schema and still refuses typos.
 */
export const EDITOR_KEYWORDS = [
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'defaultSnippets',
  'errorMessage',
  'patternErrorMessage',
  'deprecationMessage',
  'x-intellij-html-description',
  'x-intellij-enum-metadata',
] as const;

/** An ajv in strict mode (unknown keywords are errors) that knows the editor keywords. */
export function editorAjv(options: { verbose?: boolean } = {}): InstanceType<typeof Ajv> {
  const ajv = new Ajv({ allErrors: true, strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false, ...options });
  addFormats(ajv);
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'array', 'object'] });
  return ajv;
}
