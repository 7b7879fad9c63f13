import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Session } from './session.js'

/** `--state-dir DIR`: one file per session, `DIR/sessions/<id>.json`, holding its snapshot.
 *
 *  Durability: a save writes the whole snapshot to `<file>.tmp`, fsyncs it, renames it over the file
 *  and fsyncs the directory, so the file is always one whole snapshot, old or new, even across a
 *  `kill -9` or a power cut. The core awaits the save before a partner's response (or a control call's)
 *  goes out, so whatever a client was told is on disk.
 *
 *  Cost: a save serialises the session's snapshot (changed data only, see snapshot.ts) and pays one
 *  fsync of the file and one of the directory. Saves of one session run one at a time; saves asked for
 *  while one runs are coalesced into the next (group commit): each waiter is answered by the first
 *  write that started after its change, so N concurrent writers cost about two writes, not N.
 *
 *  Restores are lazy: a session is read from its file when it is first used after a start (or after
 *  the session cap evicted it), so a state dir with many sessions starts at once.
 *
 *  LIMITATIONS: one process per directory (nothing locks it); saves after timers and outbound calls
 *  (timeline steps, Apna attempts) are best effort, since no client waits on them. */
export class StateDir {
  readonly #dir: string
  #writers = new Map<string, Writer>()

  constructor(
    dir: string,
    private readonly log: (line: string) => void,
  ) {
    this.#dir = join(dir, 'sessions')
    mkdirSync(this.#dir, { recursive: true })
    // A write cut short by a kill leaves its temporary file; the real file is still whole.
    for (const name of readdirSync(this.#dir)) if (name.endsWith('.tmp')) unlinkSync(join(this.#dir, name))
  }

  /** Ids of the sessions saved here. */
  ids(): string[] {
    return readdirSync(this.#dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => decodeId(name.slice(0, -'.json'.length)))
      .filter((id): id is string => id !== undefined)
  }

  /** The saved snapshot of `id` (parsed JSON), or undefined when there is none. A session evicted with
   *  a save still queued answers from memory: the file may not have its last state yet. */
  load(id: string): unknown {
    const w = this.#writers.get(id)
    if (w?.session && w.pending > 0) return w.session.snapshot()
    let text: string
    try {
      text = readFileSync(this.#file(id), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    return JSON.parse(text) as unknown
  }

  /** Moves a file that would not restore out of the way (`<file>.unreadable`), keeping it for a look,
   *  so the session starts afresh instead of failing on every use. */
  quarantine(id: string, why: string): void {
    const file = this.#file(id)
    try {
      renameSync(file, `${file}.unreadable`)
      this.log(`state dir: session "${id}" could not be restored (${why}); moved its file to ${file}.unreadable`)
    } catch (error) {
      this.log(`state dir: session "${id}" could not be restored (${why}), nor its file moved: ${(error as Error).message}`)
    }
  }

  /** Writes `session` durably; resolves once a write that began after this call is on disk. */
  save(session: Session): Promise<void> {
    const w = this.#writer(session.id)
    w.session = session
    if (w.queued) return w.queued
    w.pending++
    const run = w.tail.then(() => {
      // From here on a change needs the next write: this one serialises the state as it is now.
      w.queued = undefined
      return this.#write(w)
    })
    w.queued = run
    this.#chain(w, run)
    return run
  }

  /** Deletes the saved session (after any write of it in progress). True when there was a file. */
  remove(id: string): Promise<boolean> {
    const w = this.#writer(id)
    w.session = undefined
    w.queued = undefined
    w.pending++
    const run = w.tail.then(async () => {
      try {
        await unlink(this.#file(id))
        return true
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw error
      }
    })
    this.#chain(w, run)
    return run
  }

  /** Resolves when every save and remove asked for so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.#writers.values()].map((w) => w.tail))
  }

  #chain(w: Writer, run: Promise<unknown>): void {
    w.tail = run.then(
      () => undefined,
      () => undefined,
    )
    void w.tail.then(() => {
      w.pending--
      // Forget an idle writer, so an evicted session's object can be collected.
      if (w.pending === 0 && this.#writers.get(w.id) === w) this.#writers.delete(w.id)
    })
  }

  #writer(id: string): Writer {
    let w = this.#writers.get(id)
    if (!w) this.#writers.set(id, (w = { id, session: undefined, queued: undefined, tail: Promise.resolve(), pending: 0 }))
    return w
  }

  async #write(w: Writer): Promise<void> {
    const session = w.session
    if (!session) return
    const text = JSON.stringify(session.snapshot())
    await writeAtomically(this.#dir, this.#file(w.id), text)
  }

  #file(id: string): string {
    return join(this.#dir, `${encodeId(id)}.json`)
  }
}

interface Writer {
  id: string
  /** The live session of this id, whose state the next write takes; undefined once removed. */
  session: Session | undefined
  /** A write asked for and not yet started: later callers share it. */
  queued: Promise<void> | undefined
  /** The last operation, settled: the next one starts after it. */
  tail: Promise<void>
  pending: number
}

async function writeAtomically(dir: string, file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`
  const handle = await open(tmp, 'w')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, file)
  // The rename is durable only once the directory is: without this a power cut may bring back the
  // old file. Some systems (Windows) cannot open a directory; there the rename is all we can do.
  let d
  try {
    d = await open(dir, 'r')
    await d.sync()
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error
  } finally {
    await d?.close()
  }
}

/** Session ids are `[A-Za-z0-9._~-]`; file systems that ignore case (macOS, Windows, their Docker
 *  volumes) would merge `A` and `a`, so capitals are written `~a` and `~` as `~~`. */
export function encodeId(id: string): string {
  return id.replace(/[A-Z~]/g, (ch) => (ch === '~' ? '~~' : `~${ch.toLowerCase()}`))
}

export function decodeId(name: string): string | undefined {
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!
    if (ch !== '~') {
      out += ch
      continue
    }
    const next = name[++i]
    if (next === '~') out += '~'
    else if (next !== undefined && /[a-z]/.test(next)) out += next.toUpperCase()
    else return undefined
  }
  return out
}
