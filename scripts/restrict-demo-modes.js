'use strict';
// `npm start` serves fixtures/data, and the server refuses an access file, or a directory holding
// it, that its group or others can write (docs/operations.md). A clone made under umask 002 (the
// default for users with a private group on Ubuntu and others) has exactly those bits: take the
// group and other write bits off the demo directory and its access file, nothing else.
const fs = require('node:fs');
const path = require('node:path');

const data = path.join(__dirname, '..', 'fixtures', 'data');
for (const target of [data, path.join(data, 'config-access.toml')]) {
  const mode = fs.statSync(target).mode & 0o7777;
  if ((mode & 0o022) !== 0) fs.chmodSync(target, mode & ~0o022);
}
