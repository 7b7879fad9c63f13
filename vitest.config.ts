import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: the hostile-input and browser suites run several thousand requests, and CI machines vary.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Two cores: more forks only contend.
    maxWorkers: 2,
  },
})
