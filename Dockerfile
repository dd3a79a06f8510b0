# One image for the gateway and every subgraph; the command chooses which one runs.
# Stage `build` installs everything (npm ci) and builds the console; stage `deps` installs exactly the
# lockfile's runtime packages (npm ci, no dev-only ones); the runtime stage takes that tree, the
# sources and the built console, without npm's cache or the build tools, and runs as `node`.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# npm ci ran before the sources were here: build the console now (served by the gateway at /).
RUN npm run console:build

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production TESSERA_DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/console/dist ./console/dist
# The data volume's mount point belongs to `node`: a new named volume takes its owner from the image.
RUN mkdir -p /data && chown node:node /data
USER node
# GraphQL and the console; Prometheus metrics (TESSERA_METRICS_PORT, served on TESSERA_METRICS_HOST).
EXPOSE 4000 9464
CMD ["npm", "run", "start:gateway"]
