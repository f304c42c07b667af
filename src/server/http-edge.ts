/**
 * The HTTP edge below the routes: what Node or Fastify answer before a handler runs
 * also comes back as our problem+json — oversize headers (431), over-long URLs (414),
 * malformed requests (400) — and a refused oversize body (413) reaches clients that
 * write the whole body before they read (Python's urllib): the server reads and
 * discards what is left of the body, up to DRAIN_BYTES, instead of closing the socket
 * under the client's feet (which resets the connection before it reads the answer).
 */
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { statusProblem } from './errors.js';

/** Longest URL (path and query) the API takes, characters; longer → 414. Node's own header limit (16 KiB) answers 431 beyond. */
export const MAX_URL_CHARS = 8 * 1024;
/** Most body bytes read and discarded after a refusal before the connection is closed anyway. */
export const DRAIN_BYTES = 16 * 1024 * 1024;
/** Longest a refused body may take to arrive before the connection is closed anyway, ms. */
export const DRAIN_MS = 15_000;

/** Node's clientError: answer 431/408/400 as problem+json on the raw socket, then close it. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, detail, where, hint] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request line and headers are larger than 16 KiB', 'headers', 'send shorter headers and a shorter URL']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request took too long to arrive', 'request', 'send the whole request promptly']
        : [400, `malformed HTTP request (${err.code ?? 'parse error'})`, 'request', 'send a well-formed HTTP/1.1 request'];
  const body = JSON.stringify(statusProblem(status, detail, where, hint));
  socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** onRequest hook: a URL longer than MAX_URL_CHARS gets a 414 problem. */
export async function uriLimitHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.url.length <= MAX_URL_CHARS) return;
  const p = statusProblem(414, `the URL is ${req.url.length} characters long (limit ${MAX_URL_CHARS})`, 'URL', 'send parameters in the body, or fewer and shorter ones');
  await reply.code(414).type('application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/**
 * Before answering a refusal of a body that was not read to its end: read and
 * discard the rest (bounded in bytes and time), so a client that writes the whole
 * body before it reads (and asked for `Connection: close`, as Python's urllib does)
 * is not reset mid-write: closing a socket with unread data in it sends a RST.
 */
export function drainRefusedBody(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let bytes = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_BYTES) done(); // enough: answer and close
    };
    const timer = setTimeout(done, DRAIN_MS);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}

function statusText(status: number): string {
  return { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status] ?? 'Error';
}
