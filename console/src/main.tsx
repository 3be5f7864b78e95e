/**
 * @module main
 * The console's entry: Mantine, TanStack Query and the app. A 401 from any call means the session
 * ended (signed out elsewhere, expired): `me` becomes null and the sign-in page shows.
 */
import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isUnauthenticated } from './api/client';
import { keys } from './api/keys';
import { App } from './app';
import { theme } from './theme';

const sessionEnded = (err: unknown) => {
  if (isUnauthenticated(err)) queryClient.setQueryData(keys.me, null);
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: sessionEnded }),
  mutationCache: new MutationCache({ onError: sessionEnded }),
  defaultOptions: {
    queries: { retry: (count, err) => !isUnauthenticated(err) && count < 2, refetchOnWindowFocus: true },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
