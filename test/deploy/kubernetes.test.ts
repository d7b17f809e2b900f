import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import * as ts from 'typescript';
import { loadRpcConfig } from '@nano-access/gateway';
import { loadNodeConfig } from '@nano-access/ipc-server';
import { loadPolicy } from '@nano-access/resolver';

const repoRoot = join(__dirname, '..', '..');
const manifestDir = join(repoRoot, 'deploy', 'kubernetes');

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

function readManifests(dir: string): Array<{ file: string; object: KubeObject }> {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((file) =>
      (loadAll(readFileSync(join(dir, file), 'utf8')) as KubeObject[])
        .filter(Boolean)
        .map((object) => ({ file, object })),
    );
}

/** The Kubernetes OpenAPI schemas (kubernetes-models, compiled with ajv), run in a child: the package is ESM only. */
function schemaErrors(objects: KubeObject[]): Array<{ kind: string; name: string | null; errors: string[] }> {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-kubernetes.mjs')], {
    cwd: repoRoot,
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out) as Array<{ kind: string; name: string | null; errors: string[] }>;
}

/**
 * The schemas accept fields they do not define (the API server drops or refuses them later), so
 * a misspelt field would pass them. The same models' TypeScript interfaces do not: each object
 * is type-checked as its interface, where an unknown field is an excess-property error.
 */
function unknownFieldErrors(objects: KubeObject[]): string[] {
  // Under the repository (git-ignored /tmp/) so that kubernetes-models resolves from node_modules.
  const dir = join(repoRoot, 'tmp');
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'kube-types-'));
  try {
    const lines = objects.map((object, i) => {
      const [group, version] = object.apiVersion.includes('/')
        ? object.apiVersion.split('/')
        : [null, object.apiVersion];
      const from =
        group === null
          ? `kubernetes-models/${version}/${object.kind}`
          : `kubernetes-models/${group}/${version}/${object.kind}`;
      return `import type { I${object.kind} as T${i} } from '${from}';\nexport const o${i}: T${i} = ${JSON.stringify(object, null, 1)};\n`;
    });
    const file = join(work, 'manifests.mts');
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const manifests = readManifests(manifestDir);
const byKind = (kind: string): KubeObject => manifests.find((m) => m.object.kind === kind)!.object;
type Loose = any;

describe('deploy/kubernetes', () => {
  it('holds a Deployment, a Service, a PodDisruptionBudget, a ConfigMap and a Secret', () => {
    expect(manifests.map((m) => m.object.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
  });

  it('is valid against the Kubernetes OpenAPI schemas, with no unknown field', () => {
    const results = schemaErrors(manifests.map((m) => m.object));
    expect(results.map((r) => [r.kind, r.errors])).toEqual(manifests.map((m) => [m.object.kind, []]));
    expect(unknownFieldErrors(manifests.map((m) => m.object))).toEqual([]);
  }, 60_000);

  it('fails the same validation on a wrong type, a misspelt field and an unknown kind', () => {
    const deployment = JSON.parse(JSON.stringify(byKind('Deployment')));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = '7076';
    const misspelt = JSON.parse(JSON.stringify(byKind('Deployment')));
    misspelt.spec.template.spec.containers[0].readinesProbe = misspelt.spec.template.spec.containers[0].readinessProbe;
    const unknownKind = { apiVersion: 'apps/v1', kind: 'Deploymint', metadata: { name: 'x' } };
    const [wrongType, , nonsense] = schemaErrors([deployment, misspelt, unknownKind]);
    expect(wrongType.errors.join()).toMatch(/containerPort must be integer/);
    expect(nonsense.errors.join()).toMatch(/no schema for apps\/v1 Deploymint/);
    expect(unknownFieldErrors([misspelt]).join('\n')).toMatch(/readinesProbe/);
  }, 60_000);

  describe('the Deployment', () => {
    const deployment = byKind('Deployment') as Loose;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;

    it('runs stateless replicas with readiness and liveness on /healthz, requests and limits', () => {
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(container.readinessProbe.httpGet.path).toBe('/healthz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      for (const resource of ['cpu', 'memory']) {
        expect(container.resources.requests[resource]).toBeDefined();
        expect(container.resources.limits[resource]).toBeDefined();
      }
      expect(container.args).toEqual(['serve', '--data', '/etc/nano-access']);
      expect(pod.volumes.filter((v: Loose) => v.persistentVolumeClaim || v.hostPath)).toEqual([]);
    });

    it('runs as a non-root user with a read-only root file system and no privilege escalation', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('mounts one projected volume: the access file from a Secret, the settings from a ConfigMap, mode 0440', () => {
      const data = pod.volumes.find((v: Loose) => v.name === 'data');
      expect(data.projected.defaultMode).toBe(0o440);
      const [secret, configMap] = data.projected.sources;
      expect(secret.secret).toMatchObject({
        name: byKind('Secret').metadata.name,
        items: [{ key: 'config-access.toml', path: 'config-access.toml' }],
      });
      expect(configMap.configMap.name).toBe(byKind('ConfigMap').metadata.name);
      expect(configMap.configMap.items.map((i: Loose) => i.path).sort()).toEqual([
        'config-node.toml',
        'config-rpc.toml',
      ]);
      // A directory, not subPath: the kubelet never updates subPath mounts, and the servers watch `..data`.
      expect(container.volumeMounts.find((m: Loose) => m.name === 'data')).toEqual({
        name: 'data',
        mountPath: '/etc/nano-access',
        readOnly: true,
      });
    });
  });

  it('gives the servers files they load: node-rpc against the node, listening on the ports the Service names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nano-access-kube-'));
    try {
      const configMap = byKind('ConfigMap') as Loose;
      for (const [name, text] of Object.entries(configMap.data as Record<string, string>))
        writeFileSync(join(dir, name), text);
      const node = loadNodeConfig(dir);
      expect(node.diagnostics).toEqual([]);
      expect(node.config!.ipc.local.enable).toBe(false);
      expect(node.config!.backend).toMatchObject({ type: 'node-rpc', url: 'http://nano-node:7076' });
      const rpc = loadRpcConfig(dir);
      expect(rpc.diagnostics).toEqual([]);
      const service = byKind('Service') as Loose;
      const ports = (byKind('Deployment') as Loose).spec.template.spec.containers[0].ports;
      expect(
        service.spec.ports
          .map((p: Loose) => [p.targetPort, ports.find((c: Loose) => c.name === p.targetPort).containerPort])
          .sort(),
      ).toEqual([
        ['ipc', node.config!.ipc.tcp.port],
        ['rpc', rpc.config!.port],
      ]);
      const access = (byKind('Secret') as Loose).stringData['config-access.toml'];
      expect(
        loadPolicy(access, { file: 'config-access.toml' }).diagnostics.filter((d) => d.severity === 'error'),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("selects the Deployment's pods from the Service and the PodDisruptionBudget, which leaves room to drain", () => {
    const labels = (byKind('Deployment') as Loose).spec.template.metadata.labels;
    expect(labels).toMatchObject((byKind('Service') as Loose).spec.selector);
    expect(labels).toMatchObject((byKind('PodDisruptionBudget') as Loose).spec.selector.matchLabels);
    expect((byKind('PodDisruptionBudget') as Loose).spec.minAvailable).toBeLessThan(
      (byKind('Deployment') as Loose).spec.replicas,
    );
  });
});
