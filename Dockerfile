# partner-sandbox: every partner on one port, for QA and CI.
#   docker build -t partner-sandbox .
#   docker run --rm -p 4010:4010 partner-sandbox
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010
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
