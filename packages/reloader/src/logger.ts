import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions as PinoOptions } from 'pino';

export interface LoggerOptions {
  /** pino level (`trace` … `fatal`, `silent`). Default: env NANO_ACCESS_LOG_LEVEL, else `info`. */
  level?: string;
  /**
   * Human-readable lines (pino-pretty) instead of JSON lines. Default: env NANO_ACCESS_LOG_FORMAT
   * (`pretty` or `json`), else pretty when the destination (stdout by default) is a terminal.
   */
  pretty?: boolean;
  /** Where lines go. Default: standard output. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** The `name` field of every line. Default: `nano-access`. */
  name?: string;
  /** Environment to read NANO_ACCESS_LOG_* from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

const CENSOR = '[redacted]';

/**
 * Fields that may carry credentials (a user id is an API key). Library code never logs them;
 * this is defence in depth against a caller that logs a request object or an explanation.
 */
export const REDACTED_PATHS: readonly string[] = Object.freeze([
  'credentials',
  '*.credentials',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'id',
  'user',
  '*.user',
  'userId',
  '*.userId',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers["nano-api-key"]',
  '*.headers["nano-api-key"]',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
]);

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

function chooseLevel(options: LoggerOptions, env: NodeJS.ProcessEnv): { level: string; rejected?: string } {
  const wanted = options.level ?? env.NANO_ACCESS_LOG_LEVEL;
  if (wanted === undefined || wanted === '') return { level: 'info' };
  const level = wanted.trim().toLowerCase();
  return LEVELS.has(level) ? { level } : { level: 'info', rejected: wanted };
}

function choosePretty(options: LoggerOptions, env: NodeJS.ProcessEnv): boolean {
  if (options.pretty !== undefined) return options.pretty;
  const format = env.NANO_ACCESS_LOG_FORMAT?.trim().toLowerCase();
  if (format === 'pretty') return true;
  if (format === 'json') return false;
  return isTerminal(options.destination);
}

/** Readable lines go to people: a destination (stdout by default, or a given stream such as stderr) that is a terminal. */
function isTerminal(destination: LoggerOptions['destination']): boolean {
  const target = (destination ?? process.stdout) as { isTTY?: boolean };
  return target.isTTY === true;
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

function loadPretty(): PrettyFactory | null {
  try {
    // Optional: pino-pretty is a development tool; without it, lines stay JSON.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    return typeof loaded === 'function' ? loaded : loaded.default;
  } catch {
    return null;
  }
}

/**
 * The project's one logger: pino, JSON lines (ISO time) for production, readable lines on a
 * terminal, credential-bearing fields redacted. Pass it (or a child of it) to every package.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const { level, rejected } = chooseLevel(options, env);
  const pinoOptions: PinoOptions = {
    name: options.name ?? 'nano-access',
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
  };
  let destination = options.destination as DestinationStream | undefined;
  if (choosePretty(options, env)) {
    const pretty = loadPretty();
    if (pretty !== null) {
      destination = pretty({
        destination: destination ?? 1,
        colorize: isTerminal(destination),
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname,name',
        sync: true,
      });
    }
  }
  const logger = destination === undefined ? pino(pinoOptions) : pino(pinoOptions, destination);
  if (rejected !== undefined)
    logger.warn({ requestedLevel: rejected }, 'unknown log level in NANO_ACCESS_LOG_LEVEL or options; using info');
  return logger;
}
