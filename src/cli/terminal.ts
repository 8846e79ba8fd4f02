/**
 * Text from captures made safe for a terminal. Anyone who can reach the capture port can put
 * escape sequences in a title or platform; printed raw they would recolour, retitle or clear the
 * operator's terminal. Control characters (C0, DEL, C1) are shown as `\xNN` instead.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, newlines and tabs included
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

const escape = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One-line text (a table cell, a progress line): every control character escaped. */
export function printableLine(text: string): string {
  return text.replace(CONTROL_ALL, escape);
}

/** Multi-line text (`events show`): newlines and tabs kept, every other control character escaped. */
export function printableText(text: string): string {
  return text.replace(CONTROL, escape);
}
