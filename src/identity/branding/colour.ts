/**
 * Colours as WCAG 2.x weighs them: relative luminance and contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio).
 * A brand's primary colour is the background of buttons with white text and the colour of links on the page, so it
 * must reach AA for normal text (4.5:1) against white and against the page background.
 */

const HEX = /^#([0-9a-f]{6})$/i;

/** AA for normal text. */
export const AA_TEXT = 4.5;

/** The page background of the hosted pages (site.css --bg); the cards and the header are white. */
export const PAGE_BACKGROUND = '#f4f6f8';
export const WHITE = '#ffffff';

export function isHexColour(value: string): boolean {
  return HEX.test(value);
}

function channels(hex: string): [number, number, number] {
  const match = HEX.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = Number.parseInt(match[1] as string, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Why a colour cannot be a brand's primary colour, or null when it reaches AA where the pages use it. */
export function primaryColourProblem(hex: string): string | null {
  if (!isHexColour(hex)) return 'must be a colour written #rrggbb, such as #0b5cad';
  const withWhite = contrastRatio(hex, WHITE);
  const withPage = contrastRatio(hex, PAGE_BACKGROUND);
  if (withWhite >= AA_TEXT && withPage >= AA_TEXT) return null;
  const worst = Math.min(withWhite, withPage);
  return `is too light: white text on it and it on the page background need a contrast of at least ${AA_TEXT}:1 (WCAG AA), and it has ${(Math.floor(worst * 100) / 100).toFixed(2)}:1; choose a darker shade`;
}

/** The colour for hover and pressed states: the same hue, 20 % nearer black (so it keeps or raises the contrast). */
export function darker(hex: string, amount = 0.2): string {
  return `#${channels(hex)
    .map((c) => Math.round(c * (1 - amount)).toString(16).padStart(2, '0'))
    .join('')}`;
}
