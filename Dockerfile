# audience-loop: the built server (dist/main.js) on Node 20, one image for every role (ROLE picks the role).
# Build:  docker build -t audience-loop .        Run: see docker-compose.yml and docs/deploy.md.

# --- build: every dependency (esbuild is a dev dependency), then `npm run build` bundles server/src ---
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY server/src ./server/src
COPY scripts/build ./scripts/build
RUN npm run build

# --- runtime: production dependencies and the bundle only (no TypeScript sources, no tsx at run time) ---
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000); nothing here needs root.
USER node
EXPOSE 3000
# Liveness for every role: a process without the api role still answers /healthz on PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=8", "--interrupt-budget=270336", "--initial-heap-size=128", "dist/main.js"]
