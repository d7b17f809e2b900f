import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { runCli, tempDir } from '../helpers/run-cli';

const WALLET_USER = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';
const VIEWER = 'history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b';
const policy = `
[[role]]
id = "service_admin"
allow = "api_service_register, api_service_stop"

[[user]]
allow = "account_query"

[[user]]
id = "${WALLET_USER}"
roles = "service_admin"
allow = "wallet"
deny = "wallet_seed_change"

[[user]]
id = "${VIEWER}"
allow = "api_account_info, api_account_history"
bare = true
`;

const chromiumPath = ['/usr/bin/chromium'].find((path) => existsSync(path));
const itIfChromium = chromiumPath ? it : it.skip;
if (!chromiumPath)
  console.warn(
    'matrix.test.ts: the headless Chromium test is skipped: /usr/bin/chromium is absent (apt-get install -y chromium).',
  );

describe('nano-access matrix', () => {
  const files = tempDir({ 'config-access.toml': policy, 'broken.toml': '[[user]]\nroles = "nope"\n' });
  afterAll(() => files.cleanup());

  it('prints users × permissions as text, the default user first, ids masked', async () => {
    const run = await runCli(['matrix', '--config', 'config-access.toml'], { cwd: files.dir });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^permission +default +#2 +#3$/);
    expect(lines.find((l) => l.startsWith('wallet_read '))).toMatch(/^wallet_read +- +yes +-$/);
    expect(lines.find((l) => l.startsWith('wallet_seed_change '))).toMatch(/^wallet_seed_change +- +- +-$/);
    expect(lines.find((l) => l.startsWith('api_account_history '))).toMatch(/^api_account_history +yes +yes +yes$/);
    expect(run.stdout).toContain('#2: user #2 (…bc57)');
    expect(run.stdout).not.toContain(WALLET_USER);
    expect(run.stdout).not.toContain(VIEWER);
  });

  it('prints JSON with each derivation', async () => {
    const run = await runCli(['matrix', '-c', 'config-access.toml', '--format', 'json'], { cwd: files.dir });
    const matrix = JSON.parse(run.stdout) as {
      permissions: { name: string; users: { user: string; allowed: boolean; derivation: string[] }[] }[];
    };
    const seed = matrix.permissions.find((p) => p.name === 'wallet_seed_change')!;
    expect(seed.users[1]).toEqual({
      user: '#2',
      allowed: false,
      derivation: ['granted by implied by wallet (allow)', 'removed by deny wallet_seed_change'],
    });
  });

  it('prints CSV', async () => {
    const run = await runCli(['matrix', '-c', 'config-access.toml', '--format', 'csv'], { cwd: files.dir });
    const rows = run.stdout.split('\r\n');
    expect(rows[0]).toBe('permission,the default user,user #2 (…bc57),user #3 (…bb4b)');
    expect(rows).toContain('api_service_stop,no,yes,no');
  });

  it('exits 2 with the diagnostics for a file a server would refuse', async () => {
    const run = await runCli(['matrix', '-c', 'broken.toml'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken.toml:2:10: error: Unknown role "nope"');
    expect(run.stdout).toBe('');
  });

  it('exits 2 for a missing file and for a missing --config', async () => {
    expect((await runCli(['matrix', '-c', 'missing.toml'], { cwd: files.dir })).code).toBe(2);
    expect((await runCli(['matrix'], { cwd: files.dir })).code).toBe(2);
  });

  itIfChromium(
    'writes an HTML page that headless Chromium renders as a table',
    async () => {
      const work = mkdtempSync(join(tmpdir(), 'nano-access-matrix-'));
      try {
        const page = join(work, 'matrix.html');
        const run = await runCli(['matrix', '-c', files.path('config-access.toml'), '--format', 'html', '-o', page], {
          cwd: files.dir,
        });
        expect(run.code).toBe(0);
        const html = readFileSync(page, 'utf8');
        expect(html).not.toMatch(/https?:|<script|<link/i);

        const chromium = (...args: string[]) =>
          spawnSync(
            chromiumPath!,
            [
              '--headless',
              '--no-sandbox',
              '--disable-gpu',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
              `--user-data-dir=${join(work, 'profile')}`,
              ...args,
              pathToFileURL(page).href,
            ],
            { encoding: 'utf8', timeout: 90_000 },
          );

        const screenshot = join(work, 'matrix.png');
        chromium(`--screenshot=${screenshot}`, '--window-size=1200,800');
        expect(existsSync(screenshot)).toBe(true);
        expect(statSync(screenshot).size).toBeGreaterThan(1000);
        const image = decodePng(readFileSync(screenshot));
        expect([image.width, image.height]).toEqual([1200, 800]);
        // A rendered table has text, borders and green/red cells: far from one flat colour.
        expect(image.distinctColours).toBeGreaterThan(20);
        expect(image.greenish).toBeGreaterThan(100);
        expect(image.reddish).toBeGreaterThan(100);

        const dom = chromium('--dump-dom').stdout;
        const users = 3;
        const permissions = (dom.match(/<th scope="row">/g) ?? []).length;
        expect(permissions).toBeGreaterThan(100);
        expect((dom.match(/<td class="(allow|deny)"/g) ?? []).length).toBe(permissions * users);
        expect(dom).toContain('<td class="deny" tabindex="0" title="user #2 (…bc57): wallet_seed_change denied');
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

/** Just enough of PNG (8-bit RGB or RGBA, non-interlaced, as Chromium writes) to look at the pixels. */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  distinctColours: number;
  greenish: number;
  reddish: number;
} {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
      expect(body[12]).toBe(0);
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const colours = new Set<number>();
  let greenish = 0;
  let reddish = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (g > r + 15 && g > b + 15) greenish++;
    if (r > g + 15 && r > b + 15) reddish++;
  }
  return { width, height, distinctColours: colours.size, greenish, reddish };
}
