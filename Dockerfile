# One image for the gateway and every subgraph; the command chooses which one runs.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# npm ci ran before the sources were here: build the console now (served by the gateway at /).
RUN npm run console:build
USER node
ENV NODE_ENV=production TESSERA_DATA_DIR=/data
EXPOSE 4000
CMD ["npm", "run", "start:gateway"]
