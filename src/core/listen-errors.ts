/**
 * A server that cannot listen is nearly always a user's setting (a port in use, a privileged port, an
 * address not on this host), so it becomes a user error naming the setting to change rather than a stack.
 */
import { DirkError, userError } from './errors.js';

export interface ListenSetting {
  /** How the user sets the port: `METRICS_PORT` or `--port`. */
  readonly portKey: string;
  /** How the user sets the address: `METRICS_HOST` or `--host`. */
  readonly hostKey: string;
  readonly host: string;
  readonly port: number;
  /** What listens, for the message: "the metrics server". */
  readonly what: string;
}

export function listenError(e: unknown, s: ListenSetting): DirkError | unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const portHint = s.portKey.startsWith('--') ? `${s.portKey} 0` : `${s.portKey}=0`;
  if (code === 'EADDRINUSE') {
    return userError(`${s.portKey}: port ${s.port} on ${s.host} is already in use, so ${s.what} cannot start; choose another port or ${portHint} (any free port)`, { cause: e });
  }
  if (code === 'EACCES') {
    return userError(`${s.portKey}: not allowed to listen on port ${s.port} (ports below 1024 need privileges); choose a port above 1023 or ${portHint}`, { cause: e });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return userError(`${s.hostKey}: ${s.host} is not an address of this machine, so ${s.what} cannot listen on it; use 127.0.0.1 or 0.0.0.0`, { cause: e });
  }
  return e;
}
