/** The V8 flags the CLI runs with, set once it is serving (see main.ts for why and when). */
export const CLI_V8_FLAGS = '--heap-growing-percent=50'
