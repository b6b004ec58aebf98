# Gatehouse in a container: the compiled package on node:24-slim, run as the unprivileged `node`
# user. See docs/deployment.md.
#
#   docker build -t gatehouse .
#   docker run -p 4000:4000 -v "$PWD/gatehouse.config.yaml:/app/gatehouse.config.yaml:ro" gatehouse

# Stage 1: compile TypeScript to dist/ and copy GraphiQL's files (needs the dev dependencies).
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Stage 2: the runtime dependencies from the lock file, and the build output.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin/gatehouse.mjs bin/run.mjs ./bin/
COPY gatehouse.schema.json ./

# A config in /app (gatehouse.config.{yaml,ts,...}, or --config /app/config/<file>) is inside the
# package, so `import { defineConfig } from 'gatehouse-graphql'` resolves; Node 24 strips the types.
USER node
ENV GATEHOUSE_HOST=0.0.0.0 GATEHOUSE_PORT=4000
EXPOSE 4000
# slim has no curl: node itself asks /healthz. The path must match `server.healthPath`: change it
# here too if the config moves it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.GATEHOUSE_PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/gatehouse.mjs"]
CMD ["start"]
