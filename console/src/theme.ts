/**
 * @module theme
 * A plain look: Mantine's defaults with a calm primary colour, made to meet WCAG 2 AA contrast
 * (4.5:1 for text), which the browser tests check with axe on every main page.
 *
 * Mantine's light scheme draws filled colours, coloured text, outlines and links with shade 6 and
 * dimmed text with gray 6: about 3.3:1 on white for most colours. Here they use shade 8 and gray 7,
 * and the colours whose shades 8 and 9 are still too light (green 9 on green 1 is 3.8:1) are
 * darkened there, so white text on a filled colour, coloured text on white and a light or subtle
 * variant's text on its tinted background (shade 9 on shades 1 and 2) all reach 4.6:1.
 */
import {
  type CSSVariablesResolver,
  colorsTuple,
  createTheme,
  DEFAULT_THEME,
  darken,
  type MantineColorsTuple,
} from '@mantine/core';

const { colors } = DEFAULT_THEME;

/** A Mantine palette with shades 7–9 darkened by `amount` (0.1 = 10% towards black). */
function deeper(palette: MantineColorsTuple, amount: number): MantineColorsTuple {
  return colorsTuple(palette.map((shade, i) => (i >= 7 ? darken(shade, amount) : shade)));
}

export const theme = createTheme({
  primaryColor: 'indigo',
  // Drawers, modals and menus appear without their fade for people whose system asks for less motion.
  respectReducedMotion: true,
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  // The least darkening that gives each colour 4.6:1: white on shade 8, and shade 9 on shade 1 (a
  // light badge or alert) and on shade 2 (a subtle button under the pointer).
  colors: {
    indigo: deeper(colors.indigo, 0.1),
    blue: deeper(colors.blue, 0.1),
    cyan: deeper(colors.cyan, 0.1),
    red: deeper(colors.red, 0.15),
    teal: deeper(colors.teal, 0.15),
    green: deeper(colors.green, 0.2),
    orange: deeper(colors.orange, 0.25),
    lime: deeper(colors.lime, 0.25),
    yellow: deeper(colors.yellow, 0.3),
  },
  components: {
    // A badge is as wide as its words: Mantine's ellipsis cut "encrypted (aes-256-cbc)" short in
    // a crowded table row.
    Badge: {
      styles: { root: { minWidth: 'max-content', overflow: 'visible' }, label: { overflow: 'visible' } },
    },
  },
});

/** Dimmed text and error messages dark enough to read (gray 6 and red 6 are 3.3:1 on white). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  },
  dark: {},
});
