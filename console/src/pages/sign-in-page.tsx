/**
 * @module pages/sign-in-page
 * Email and password, then the authenticator code when the account has two-step verification;
 * or single sign-on through the org's identity provider (a link: the browser goes there and
 * comes back with a session cookie, or with `?sso_error=` to show here). Ward answers with
 * an httpOnly session cookie, never a token the page sees.
 */
import { Alert, Button, Center, Divider, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSignIn } from '../api/auth';
import { ApiError } from '../api/client';
import { ErrorAlert } from '../components/error-alert';
import { usePageTitle } from '../lib/use-page-title';

const CODE_STEP = 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.';

const ssoError = new URLSearchParams(window.location.search).get('sso_error');

export function SignInPage() {
  usePageTitle('Sign in');
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const needsCode = signIn.error instanceof ApiError && signIn.error.reason === 'mfa_required';
  const [askCode, setAskCode] = useState(false);
  if (needsCode && !askCode) setAskCode(true);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password, ...(askCode && totp ? { totp: totp.trim() } : {}) });
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w="100%" maw={400}>
        <Stack>
          <form onSubmit={submit} aria-labelledby="sign-in-title">
            <Stack>
              <Title order={1} size="h2" id="sign-in-title">
                Sign in to Ward
              </Title>
              {ssoError ? (
                <Alert color="red" variant="light" title="Single sign-on failed">
                  {ssoError}
                </Alert>
              ) : null}
              {/* Ward's own message is for API clients ("… as totp"); a person is told what to do. */}
              {needsCode ? (
                <Alert color="indigo" variant="light" title="One more step">
                  {CODE_STEP}
                </Alert>
              ) : (
                <ErrorAlert error={signIn.error} title="Sign-in failed" />
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              {askCode ? (
                <TextInput
                  label="Authentication code"
                  description="The 6-digit code from your authenticator app, or a recovery code"
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  required
                  autoFocus
                  value={totp}
                  onChange={(e) => setTotp(e.currentTarget.value)}
                />
              ) : null}
              <Button type="submit" loading={signIn.isPending}>
                Sign in
              </Button>
            </Stack>
          </form>
          <Divider label="or" />
          {/* A link, not a form: the browser follows Ward's redirect to the identity provider. */}
          <Button
            component="a"
            variant="default"
            href={`/api/v1/auth/sso/start?email=${encodeURIComponent(email.trim())}`}
            data-disabled={!email.includes('@') || undefined}
            aria-disabled={!email.includes('@') || undefined}
            onClick={(e) => {
              if (!email.includes('@')) e.preventDefault();
            }}
          >
            Sign in with SSO
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
