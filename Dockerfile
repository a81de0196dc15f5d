# syntax=docker/dockerfile:1
# Dirk in a container: `docker build -t dirk .` then
#   docker run --rm -v "$PWD/job:/job" -w /job dirk run job.json
# The entrypoint is the dirk CLI; mount the job folder (job file, data, UDFs, protos) and run from it.

# ---- build: install every dependency and compile TypeScript
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY udfs ./udfs
COPY bench ./bench
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the compiled output only, as a non-root user
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY protos ./protos
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/dirk && chmod +x /app/dist/src/cli/main.js \
 && mkdir -p /job /data && chown node:node /job /data
USER node
# Checkpoints default to ./.dirk/checkpoints under the working directory; keep them on a volume.
VOLUME ["/data"]
# METRICS_PORT (default 9464): /metrics, /healthz and /status.
EXPOSE 9464
ENTRYPOINT ["dirk"]
CMD ["--help"]
