import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Whoami } from './api';

/** Who is signed in; the console offers only what `permissions` allows. */
export const SessionContext = createContext<Whoami | null>(null);

export function useSession(): Whoami {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in caller may take `permission` (`runs.retry`, …: GET /v1/whoami). */
export function useCan(): (permission: string) => boolean {
  const session = useSession();
  return (permission) => session.permissions.includes(permission);
}
