// Runs `nano-access serve` exactly as the binary would (same io, same signal
// handling), for checkouts where the command is built but not yet registered in
// packages/cli/src/commands/index.ts. run.ts uses the real binary when it lists `serve`.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const { Command } = require(require.resolve('commander', { paths: [path.join(root, 'packages/cli')] }));
const { processIO } = require(path.join(root, 'packages/cli/dist/cli.js'));
const { registerServe } = require(path.join(root, 'packages/cli/dist/commands/serve.js'));

async function main() {
  const io = processIO();
  const result = { exitCode: 0 };
  const program = new Command('nano-access').exitOverride();
  registerServe(program, io, result);
  try {
    await program.parseAsync(process.argv.slice(2), { from: 'user' });
  } catch (error) {
    process.stderr.write(`serve-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    result.exitCode = 2;
  }
  process.stdout.write('', () => process.exit(result.exitCode));
}
void main();
