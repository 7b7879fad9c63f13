/** The V8 flags the CLI runs with (see main.ts for why). The launcher sets them before it compiles the
 *  CLI: V8 accepts a code cache only under the flags it was made with. */
export const CLI_V8_FLAGS = '--heap-growing-percent=50'
