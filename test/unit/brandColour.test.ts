import { AA_TEXT, contrastRatio, darker, isHexColour, PAGE_BACKGROUND, primaryColourProblem, relativeLuminance, WHITE } from '../../src/identity/branding/colour.js';

describe('contrastRatio (WCAG 2.x)', () => {
  it('gives the known ratios: black on white 21:1, a colour with itself 1:1, in either order', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#0b5cad', '#0b5cad')).toBe(1);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(relativeLuminance('#000000')).toBe(0);
  });

  it('puts #777777 on white just under 4.5:1 (about 4.48) and #767676 just over it', () => {
    expect(contrastRatio('#777777', WHITE)).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#777777', WHITE)).toBeLessThan(AA_TEXT);
    expect(contrastRatio('#767676', WHITE)).toBeGreaterThanOrEqual(AA_TEXT);
  });

  it('reads upper-case hex like lower-case', () => {
    expect(contrastRatio('#0B5CAD', WHITE)).toBe(contrastRatio('#0b5cad', WHITE));
  });
});

describe('primaryColourProblem', () => {
  it('accepts colours that reach AA with white text and on the page background', () => {
    for (const colour of ['#0b5cad', '#000000', '#1a4d2e', '#595959']) expect(primaryColourProblem(colour)).toBeNull();
  });

  it('refuses a light colour, naming AA, the ratio needed and the one it has', () => {
    expect(primaryColourProblem('#ffcc00')).toBe('is too light: white text on it and it on the page background need a contrast of at least 4.5:1 (WCAG AA), and it has 1.39:1; choose a darker shade');
    expect(primaryColourProblem('#999999')).toMatch(/at least 4\.5:1 \(WCAG AA\), and it has 2\.6\d:1/);
    expect(primaryColourProblem('#777777')).toMatch(/WCAG AA/);
  });

  it('refuses a colour that passes with white text but not on the page background, giving the worse of the two', () => {
    expect(contrastRatio('#767676', WHITE)).toBeGreaterThanOrEqual(AA_TEXT);
    expect(contrastRatio('#767676', PAGE_BACKGROUND)).toBeLessThan(AA_TEXT);
    expect(primaryColourProblem('#767676')).toContain('it has 4.19:1');
  });

  it('refuses what is not written #rrggbb', () => {
    for (const text of ['0b5cad', '#05a', '#0b5cadff', 'blue', 'rgb(0,0,0)', '#0b5caz', '']) {
      expect(isHexColour(text)).toBe(false);
      expect(primaryColourProblem(text)).toBe('must be a colour written #rrggbb, such as #0b5cad');
    }
  });
});

describe('darker', () => {
  it('takes each channel 20 % nearer black, keeping the hue and raising the contrast with white', () => {
    expect(darker('#0b5cad')).toBe('#094a8a');
    expect(darker('#000000')).toBe('#000000');
    expect(contrastRatio(darker('#0b5cad'), WHITE)).toBeGreaterThan(contrastRatio('#0b5cad', WHITE));
  });
});
