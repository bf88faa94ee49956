import { hostname } from 'node:os';

/**
 * Whether a claim's owner process may still be alive: false only when it ran on this host and
 * signal 0 reports it gone (ESRCH). On another host nobody can tell, so the lease decides.
 */
export function isLocalOwnerAlive(host: string, pid: number): boolean {
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
