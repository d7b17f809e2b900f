/**
 * The gateway benches' floors. The bare server: a bare node:http server that reads the body,
 * parses it, and answers the envelope (or, on `/`, the legacy JSON) the gateway would for
 * AccountWeight, so that the ratio measures what the gateway adds and nothing the answer itself
 * costs.
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

type WeightEnvelope = { time: number; message_type: string; message: { voting_weight?: string } };

/**
 * The constant dispatcher: the gateway's HTTP layer over a dispatcher that answers AccountWeight
 * at once, so the layer's own cost shows apart from validation, authorization and the backend.
 * It answers values, not promises, as the embedded backend's dispatcher does (PromiseOrValue):
 * a promise here would charge the layer a reaction the gateway row does not pay.
 */
export function constantDispatcher(weight: string | undefined): {
  handleEnvelope: () => WeightEnvelope;
  handleMessage: () => WeightEnvelope;
  handleLegacy: () => { outcome: 'ok'; body: { weight?: string } };
} {
  const answer = (): WeightEnvelope => ({
    time: Date.now(),
    message_type: 'AccountWeightResponse',
    message: { voting_weight: weight },
  });
  return {
    handleEnvelope: answer,
    handleMessage: answer,
    handleLegacy: () => ({ outcome: 'ok' as const, body: { weight } }),
  };
}
