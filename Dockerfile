# syntax=docker/dockerfile:1
# Build: compiles TypeScript and the native modules (sqlite3, argon2) on the same base as the runtime.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs scripts/prepare.mjs, which builds only where the sources are: here they come after, for layer caching.
# bin/ is a package of its own (the CLI's entry, linked as node_modules/.bin/idbridge).
COPY scripts/prepare.mjs ./scripts/
COPY bin ./bin
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CONFIG_DIR=/app/config \
    DATA_DIR=/var/lib/idbridge
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
# The CLI on the PATH: docker compose exec idbridge idbridge user list
RUN ln -s /app/bin/idbridge.mjs /usr/local/bin/idbridge
RUN mkdir -p /var/lib/idbridge && chown node:node /var/lib/idbridge
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# libuv's thread pool: a thread per CPU for argon2, plus two that argon2 never takes, for SQLite, files and DNS
# (src/identity/credentials/hashingThreads.ts says why). libuv reads UV_THREADPOOL_SIZE before any of idbridge's code
# runs, so it is set here, from the CPUs the container may use (nproc), unless the environment sets it; a container
# limited by a CPU quota rather than a CPU set should set it: its CPUs plus 2. exec keeps node as PID 1 (signals).
CMD ["sh", "-c", "export UV_THREADPOOL_SIZE=\"${UV_THREADPOOL_SIZE:-$(( $(nproc) + 2 ))}\" && exec node dist/src/main.js"]
