// Jest transform for the ESM-only packages the sources import (@noble/curves, @noble/hashes).
// Node 20.19+ loads them with require() natively, which is how the built packages use them; Jest's
// own module loader does not (before Node 24.9), so the tests get them compiled to CommonJS by
// esbuild, the compiler tsx already uses. Sources are not changed, only their module syntax.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return `esm-to-cjs:1:${filename}:${require('node:crypto').createHash('sha256').update(source).digest('hex')}`;
  },
};
