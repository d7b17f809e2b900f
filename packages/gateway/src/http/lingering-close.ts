import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a refused request's connection goes on reading, and dropping, what its client still
 * sends after the answer: long enough for the client to read the answer and stop, short enough
 * that a client cannot hold the connection by sending more (it is counted in max_connections
 * meanwhile).
 */
export const LINGER_MS = 2000;

/**
 * A request whose body is refused (answered 413 or 503 with `Connection: close`) before it was all
 * read: the rest is read and dropped, and the connection is closed without a reset.
 *
 * Why: Node's server ends the socket once the answer is out and destroys it at once. With the
 * body's unread bytes still in the receive buffer, the kernel answers the client's next bytes with
 * a reset, and a client whose write fails on it (Node's own client does) drops the socket with
 * the answer it had not read yet. So a client sending a body past the budget could see a
 * connection error instead of the 503 (the soak's phase 7, about one run in ten under load). As
 * web servers' lingering close: the answer and a FIN go out, the client's bytes are read and
 * dropped (nothing is kept), and the socket is destroyed when the client closes or after LINGER_MS.
 */
export function closeWithoutReset(req: IncomingMessage, lingerMs: number = LINGER_MS): void {
  // Flowing, with nothing that keeps what comes: readBody's listener ignores a settled body.
  req.resume();
  // Node's server calls destroySoon() once an answer with `Connection: close` is out.
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
