/**
 * The gateway benches' floor: a bare node:http server that reads the body, parses it, and answers
 * the envelope (or, on `/`, the legacy JSON) the gateway would for AccountWeight, so that the
 * ratio measures what the gateway adds and nothing the answer itself costs.
 */
import { createServer, type Server } from 'node:http';

export function bareRpcServer(weight: string | undefined): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action?: string };
      const answer =
        req.url === '/'
          ? { weight }
          : { time: Date.now(), message_type: 'AccountWeightResponse', message: { voting_weight: weight } };
      void request.action;
      const body = JSON.stringify(answer);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'access-control-allow-origin': '*',
      });
      res.end(body);
    });
  });
}
