# partner-sandbox: every partner on one port, for QA and CI.
#   docker build -t partner-sandbox .
#   docker run --rm -p 4010:4010 partner-sandbox
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build starts the sandbox once on the default scenario to make the CLI's code cache.
COPY scenarios ./scenarios
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010
# glibc's defaults keep freed native memory (page buffers, socket writes, V8's compiler zones on its
# threads) as fragmented per-thread arenas: RSS creeps 10-15 MB in two minutes of npm run soak's load and
# never comes back. Two arenas, and big blocks always mapped and unmapped, keep it flat.
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scenarios ./scenarios
# Mount your own scenarios here and pick one with SANDBOX_SCENARIO=/scenarios/<file>.yaml; /state is
# for SANDBOX_STATE_DIR=/state, owned by the user the server runs as so a new named volume is writable.
RUN mkdir -p /scenarios /state && chown node:node /scenarios /state
USER node
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["node", "dist/healthcheck.js"]
CMD ["node", "dist/main.js"]
