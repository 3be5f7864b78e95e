/**
 * @module theme
 * A plain look: Mantine's defaults with a calm primary colour.
 */
import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
});
