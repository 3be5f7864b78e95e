/**
 * @module components/loading
 * A centred spinner with a name for screen readers.
 */
import { Center, Loader } from '@mantine/core';

export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={`Loading ${what}`} role="progressbar" />
    </Center>
  );
}
