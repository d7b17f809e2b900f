// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, as compiled by the
// kubernetes-models packages (ESM only, hence this child process of the jest test).
// stdin: a JSON array of objects; stdout: a JSON array of { kind, name, errors }.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const { apiVersion, kind } = object;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  const modulePath =
    group === null ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
  let errors = [];
  try {
    const model = (await import(modulePath))[kind];
    new model(object).validate();
  } catch (error) {
    errors = [
      error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || error.code === 'ERR_MODULE_NOT_FOUND'
        ? `no schema for ${apiVersion} ${kind}`
        : String(error.message),
    ];
  }
  results.push({ kind, name: object.metadata?.name ?? null, errors, module: modulePath });
}
process.stdout.write(JSON.stringify(results));
