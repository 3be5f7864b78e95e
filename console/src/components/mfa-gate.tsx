/**
 * @module components/mfa-gate
 * A signed-in person whose organization requires two-step verification, and whose session has
 * not passed it, sees only the enrollment page; everyone else sees the console.
 */
import type { ReactNode } from 'react';
import { useSession } from '../api/mfa';
import { EnrollMfaPage } from '../pages/enroll-mfa-page';
import { Loading } from './loading';

export function MfaGate({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.isPending) return <Loading what="your session" />;
  if (session.data?.mfa_required && !session.data.mfa) return <EnrollMfaPage />;
  return children;
}
