# nano-access: the IPC server and the HTTP RPC gateway (`nano-access serve`).
#
#   docker build -t nano-access .
#   docker run --rm -p 7076:7076 -p 7077:7077 -v /srv/nano-access:/etc/nano-access:ro nano-access
#
# The data directory (/etc/nano-access) holds config-access.toml, config-node.toml and
# config-rpc.toml; listen addresses and ports are set there (docs/operations.md, "Container").

# ---- build: every dependency, the TypeScript build, then the development ones removed -------
FROM node:20-bookworm-slim AS build
WORKDIR /src
# The manifests first, so that the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY packages/metrics/package.json packages/metrics/
COPY packages/parser/package.json packages/parser/
COPY packages/resolver/package.json packages/resolver/
COPY packages/reloader/package.json packages/reloader/
COPY packages/linter/package.json packages/linter/
COPY packages/protocol/package.json packages/protocol/
COPY packages/ipc-server/package.json packages/ipc-server/
COPY packages/gateway/package.json packages/gateway/
COPY packages/cli/package.json packages/cli/
# --ignore-scripts: the root's `prepare` builds, and the sources are not here yet.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf packages/*/src packages/*/test packages/*/bench packages/*/scripts packages/*/dist/.tsbuildinfo

# ---- run: Node 20 slim, production dependencies only, a non-root user ----------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NANO_ACCESS_LOG_FORMAT=json \
    NANO_ACCESS_HEALTHZ_URL=http://127.0.0.1:7076/healthz
# V8's young generation capped at 4 MiB semi-spaces (its default grows to 16 under load): about
# 20 MiB less memory under load for a little more time in scavenges (docs/operations.md, "Memory").
# Only the command line sets it (not a script); `docker run -e NODE_OPTIONS=` runs without it.
ENV NODE_OPTIONS=--max-semi-space-size=4
RUN groupadd --system --gid 10001 nano-access \
 && useradd --system --uid 10001 --gid nano-access --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin nano-access \
 && install -d -o root -g nano-access -m 0750 /etc/nano-access
WORKDIR /opt/nano-access
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
USER 10001:10001
VOLUME ["/etc/nano-access"]
EXPOSE 7076 7077
# The gateway's /healthz (set NANO_ACCESS_HEALTHZ_URL when config-rpc.toml moves it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.NANO_ACCESS_HEALTHZ_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM (stop) and SIGHUP (reload) itself.
ENTRYPOINT ["node", "/opt/nano-access/packages/cli/bin/nano-access.js"]
CMD ["serve", "--data", "/etc/nano-access"]
