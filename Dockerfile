# One image for the gateway and every subgraph; the command chooses which one runs.
# Stage `deps` installs exactly the lockfile's runtime packages (npm ci, no dev-only ones); the
# runtime stage takes the installed tree and the sources, without npm's cache, and runs as `node`.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production TESSERA_DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The data volume's mount point belongs to `node`: a new named volume takes its owner from the image.
RUN mkdir -p /data && chown node:node /data
USER node
# GraphQL; Prometheus metrics (TESSERA_METRICS_PORT, served on TESSERA_METRICS_HOST).
EXPOSE 4000 9464
CMD ["npm", "run", "start:gateway"]
