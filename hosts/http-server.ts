import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from '../shared/config.js';

/** Where a host listens: SOPILOT_BIND, else all interfaces for the API and loopback for event functions. */
export function bindAddress(config: Config, kind: 'api' | 'event-function'): string {
  return config.BIND ?? (kind === 'api' ? '0.0.0.0' : '127.0.0.1');
}

/**
 * Listens with bounded client time: headers must arrive within the headers timeout, a whole
 * request within the request timeout (both checked every second, not Node's default 30 s), and
 * a socket that sends nothing for the idle timeout is closed (a stalled upload holds no slot).
 */
export function listen(app: RequestListener, config: Config, kind: 'api' | 'event-function'): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    app,
  );
  server.setTimeout(config.HTTP_IDLE_TIMEOUT_MS, (socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, bindAddress(config, kind), () => resolve(server));
  });
}
