# One image recipe for all five services (DESIGN.md 3): build with
#   docker build --build-arg SERVICE=requests --build-arg PORT=3001 .
# docker-compose.yml builds it once per service this way.
# BuildKit (the default builder of current Docker) is needed for the cache mounts.

# ---- build: all dependencies, compile apps and libs with SWC into dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app

# Manifests first so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
# --ignore-scripts: the only install scripts are dev tooling (nx, esbuild, swc's
# check of its prebuilt binary, a telemetry ping) and the `node` devDependency, whose
# preinstall downloads a second Node binary to pin the version for local work.
# The base image already is Node 24; the rm makes sure no unpopulated `node` shim
# of that package sits first on the PATH that `npm run` builds.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund \
 && rm -f node_modules/.bin/node

COPY tsconfig*.json .swcrc ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# ---- runtime: production dependencies and compiled code only ----
FROM node:24-bookworm-slim AS runtime

# Which app this image runs (requests | feedback-store | reporting | analytics |
# notifications) and the port it listens on; both can be overridden at run time.
ARG SERVICE
ARG PORT=3000
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    PORT=${PORT} \
    NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=160" \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072

WORKDIR /app
COPY package.json package-lock.json ./
# Dev tooling (swc, jest, nx, the `node` package) stays out of the image. The one
# install script among production dependencies is a telemetry ping (@scarf/scarf,
# via swagger-ui-dist), which the app does not need.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Compiled code keeps the repo layout: dist/apps/<service>/src/main.js requires
# ../../../libs/... so the whole dist/ tree is copied (it is small).
COPY --from=build /app/dist ./dist
# Fail the build on a missing or misspelled SERVICE rather than at container start.
RUN test -n "$SERVICE" && test -f "dist/apps/$SERVICE/src/main.js"

# Everything above is root-owned and read-only for the app; it runs unprivileged.
USER node
EXPOSE ${PORT}

# GET /health answers 200 only when Kafka and Mongo are reachable (503 otherwise).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# exec: node replaces the shell as PID 1 and receives SIGTERM directly (the app
# enables Nest shutdown hooks and closes its Kafka consumers cleanly).
CMD ["sh", "-c", "exec node dist/apps/$SERVICE/src/main.js"]
