/**
 * What bench/ipc.ts and bench/_ipc-js-cost.ts share: an encoding-4 request frame, the floors'
 * frame loop (the bare floor answers every frame with one constant), and the JSON floor (the same
 * loop that also JSON.parse's each request and writes a JSON answer built per request: the share
 * of the work any real answer has).
 */

/** A request frame of the node's IPC, encoding 4: 'N', 4, 0, 0, be32 length, the JSON payload. */
export function requestFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.write('N', 0, 'latin1');
  out[1] = 4;
  out.writeUInt32BE(body.length, 4);
  body.copy(out, 8);
  return out;
}

/** What the JSON floor uses of a socket (a net.Socket, or bench/_ipc-js-cost.ts's stand-in). */
export interface FloorSocket {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  write(bytes: Buffer): unknown;
  destroy(): unknown;
}

/**
 * The floors' frame loop on `socket`: each whole frame ('N', an encoding, 0, 0, be32 length, the
 * payload) gets `answer(buffered, length)`'s bytes (the frame at the start of `buffered`); a bad
 * preamble closes the connection.
 */
export function serveFrames(socket: FloorSocket, answer: (buffered: Buffer, length: number) => Buffer): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8) {
      if (buffered[0] !== 0x4e || buffered[2] !== 0 || buffered[3] !== 0) {
        socket.destroy();
        return;
      }
      const length = buffered.readUInt32BE(4);
      if (buffered.length < 8 + length) break;
      const out = answer(buffered, length);
      buffered = buffered.subarray(8 + length);
      socket.write(out);
    }
  });
}

/** The JSON floor on `socket`: each request's JSON parsed, an IsAlive or AccountWeight answer built and written. */
export function serveJsonFloor(socket: FloorSocket, weight: string): void {
  serveFrames(socket, (buffered, length) => {
    const request = JSON.parse(buffered.toString('utf8', 8, 8 + length)) as { message_type?: string };
    const text = JSON.stringify(
      request.message_type === 'IsAlive'
        ? { time: Date.now(), message_type: 'IsAlive', message: {} }
        : { time: Date.now(), message_type: 'AccountWeightResponse', message: { voting_weight: weight } },
    );
    const out = Buffer.allocUnsafe(4 + Buffer.byteLength(text));
    out.writeUInt32BE(out.length - 4, 0);
    out.write(text, 4, 'utf8');
    return out;
  });
}
