/**
 * @module hipaa/baa-template
 * The BAA's text: versioned templates kept beside this module (`templates/baa-<version>.md`),
 * filled with the org's legal name and address and the business associate's, and the SHA-256 of
 * the rendered text, which is what both parties sign. A published template never changes (a test
 * pins its digest): new wording is a new version, and `CURRENT_BAA_VERSION` moves to it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const CURRENT_BAA_VERSION = 'v1';

const PLACEHOLDERS = [
  'template_version',
  'org_id',
  'covered_entity_legal_name',
  'covered_entity_address',
  'business_associate_legal_name',
  'business_associate_address',
] as const;
export type BaaValues = Record<(typeof PLACEHOLDERS)[number], string>;

export interface RenderedBaa {
  template_version: string;
  text: string;
  /** Lowercase hex SHA-256 of `text` as UTF-8. */
  sha256: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const templates = new Map<string, Promise<string>>();

export function templateFile(version: string): URL {
  if (!/^v\d{1,3}$/.test(version)) throw new Error(`'${version}' is not a BAA template version`);
  return new URL(`./templates/baa-${version}.md`, import.meta.url);
}

export function loadTemplate(version: string): Promise<string> {
  let text = templates.get(version);
  if (!text) {
    text = readFile(templateFile(version), 'utf8');
    templates.set(version, text);
  }
  return text;
}

/** One line per value: an address typed on several lines reads "street, city" in a sentence. */
const inline = (s: string): string =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(', ');

/** Fills every {{placeholder}} in one pass (a value is never read as a placeholder itself). */
export function fillTemplate(template: string, values: BaaValues): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name))
      throw new Error(`the BAA template names an unknown placeholder {{${name}}}`);
    return inline(values[name as keyof BaaValues]);
  });
}

export async function renderBaa(
  version: string,
  values: Omit<BaaValues, 'template_version'>,
): Promise<RenderedBaa> {
  const text = fillTemplate(await loadTemplate(version), { ...values, template_version: version });
  return { template_version: version, text, sha256: sha256Hex(text) };
}
