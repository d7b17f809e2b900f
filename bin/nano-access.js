#!/usr/bin/env node
// The repository installed as one package (how pre-commit's `language: node` installs a hook
// repository): the command of the bundled @nano-access/cli.
require('@nano-access/cli').main();
