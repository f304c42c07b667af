/** The twin's port check, made before minutes of building a fleet. */
import { createServer } from 'node:net';
import { ColossusError } from '../../core/errors.js';

/** Fails with a usage error when `port` on `host` is taken (0 = any port: nothing to check). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((ok, fail) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new ColossusError('usage', `port ${port} on ${host} is already in use`, { where: '--port', hint: 'pick another --port, or --port 0 for any free port' }) : err),
    );
    srv.listen(port, host, () => srv.close(() => ok()));
  });
}

