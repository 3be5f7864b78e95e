/**
 * @module lib/text
 * Checks for text that people type into names and settings.
 */

/** True when `s` holds a C0 control character or DEL; tab and newline too unless allowed. */
export function hasControlCharacters(s: string, allowLineBreaks = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (allowLineBreaks && (c === 0x09 || c === 0x0a)) continue;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
