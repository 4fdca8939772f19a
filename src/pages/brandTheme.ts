import { createHash } from 'node:crypto';
import type { ResolvedBrand } from '../identity/branding/brands.js';

const HEX = /^#[0-9a-f]{6}$/;

/**
 * A brand's colours as a stylesheet of CSS custom properties, which site.css reads (`var(--brand)`): our Content
 * Security Policy allows no inline style, so the brand comes as a file of its own. Made from the resolved brand only
 * (colours the domain validated), never from request text; a colour that is not #rrggbb is left out, and site.css's
 * default applies.
 */
export function themeCss(brand: Pick<ResolvedBrand, 'primaryColor' | 'primaryColorDark'>): string {
  const properties = [
    HEX.test(brand.primaryColor) ? `--brand:${brand.primaryColor}` : '',
    HEX.test(brand.primaryColorDark) ? `--brand-dark:${brand.primaryColorDark}` : '',
  ].filter(Boolean);
  return `:root{${properties.join(';')}}\n`;
}

/** The first 16 hex digits of the SHA-256 of a stylesheet: its address changes whenever its content does. */
export function themeHash(css: string): string {
  return createHash('sha256').update(css).digest('hex').slice(0, 16);
}

/** Where a page finds its brand's stylesheet (served with a long cache: the address names the content). */
export function themePath(brand: Pick<ResolvedBrand, 'key' | 'primaryColor' | 'primaryColorDark'>): string {
  return `/brand/${brand.key}/theme-${themeHash(themeCss(brand))}.css`;
}
