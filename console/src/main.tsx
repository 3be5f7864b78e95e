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
import { cssVariablesResolver, theme } from './theme';

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

// Pages load as chunks when first visited (app.tsx). A tab left open across an upgrade of Ward asks
// for chunks the new build no longer has: load the new build instead, unless this page is that
// fresh load already (so a broken build cannot reload in a loop).
window.addEventListener('vite:preloadError', (event) => {
  if (performance.now() < 10_000) return;
  event.preventDefault();
  window.location.reload();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
