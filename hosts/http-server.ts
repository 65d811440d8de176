import type { Server } from 'node:http';
import type { Config } from '../shared/config.js';

/** Where a host listens: SOPILOT_BIND, else all interfaces for the API and loopback for event functions. */
export function bindAddress(config: Config, kind: 'api' | 'event-function'): string {
  return config.BIND ?? (kind === 'api' ? '0.0.0.0' : '127.0.0.1');
}

/**
 * Bounds how long a client may hold a connection: headers must arrive within the headers
 * timeout, a whole request within the request timeout, and a socket that sends nothing for the
 * idle timeout is closed (a stalled upload does not hold a slot for ever).
 */
export function applyServerTimeouts(server: Server, config: Config): void {
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.setTimeout(config.HTTP_IDLE_TIMEOUT_MS, (socket) => socket.destroy());
}
