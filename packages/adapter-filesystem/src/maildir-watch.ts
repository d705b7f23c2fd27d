import { watch as watchDirectory, type FSWatcher } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type InboxWatch, type InboxWatchOptions, type Logger } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import { maildirUniqueName } from './maildir-file-name.js'
import { maildirFolders } from './maildir-layout.js'

/** Settings of {@link startMaildirWatch}. */
export interface MaildirWatchSettings {
  directory: string
  infoSeparator: string
  polling: boolean
  pollIntervalMs: number
  logger: Logger
}

/**
 * Watches a Maildir for new messages.
 *
 * - Default: `fs.watch` on `new/` (inotify on Linux, FSEvents on macOS). A file appearing there
 *   — which is how every Maildir delivery ends — calls `onNewMail`; a file leaving `new/` (a
 *   mail client moving it to `cur/`) does not.
 * - Polling (`polling: true`, or automatically when `fs.watch` cannot be used or fails): lists
 *   `new/` and `cur/` every `pollIntervalMs` and calls `onNewMail` when a unique name appears
 *   that was not there before. Flag changes and moves from `new/` to `cur/` keep the unique
 *   name, so they do not count as new mail.
 */
export async function startMaildirWatch(settings: MaildirWatchSettings, callbacks: InboxWatchOptions): Promise<InboxWatch> {
  const folders = maildirFolders(settings.directory)
  let stopped = false
  let watcher: FSWatcher | null = null
  let timer: NodeJS.Timeout | null = null

  const notify = () => {
    if (stopped) return
    try {
      callbacks.onNewMail()
    } catch (error) {
      callbacks.onError?.(error)
    }
  }
  const reportError = (error: unknown) => {
    if (stopped) return
    settings.logger.warn('maildir watch error', { directory: settings.directory, error: errorMessage(error) })
    try {
      callbacks.onError?.(error)
    } catch {
      // A throwing error callback must not stop the watcher; the failure was logged above.
    }
  }

  /** Starts polling; resolves once the first listing (the baseline) is taken. */
  const startPolling = async (): Promise<void> => {
    let known: Set<string> | null = null
    let failing = false
    const poll = async () => {
      try {
        const current = new Set<string>()
        for (const folder of [folders.new, folders.cur]) {
          for (const name of await readdir(folder)) {
            if (!name.startsWith('.')) current.add(maildirUniqueName(name, settings.infoSeparator))
          }
        }
        if (known !== null) {
          for (const name of current) {
            if (!known.has(name)) {
              notify()
              break
            }
          }
        }
        known = current
        failing = false
      } catch (error) {
        // Report a failure once, not on every tick of an outage.
        if (!failing) reportError(error)
        failing = true
      }
    }
    const schedule = () => {
      if (stopped) return
      timer = setTimeout(() => void poll().finally(schedule), settings.pollIntervalMs)
      timer.unref()
    }
    await poll()
    schedule()
  }

  const startWatching = (): boolean => {
    try {
      watcher = watchDirectory(folders.new, { persistent: false }, (eventType, fileName) => {
        if (stopped || eventType !== 'rename') return
        if (fileName === null) return notify()
        const name = fileName.toString()
        if (name.startsWith('.')) return
        // `rename` also fires when a file leaves new/; only an arriving file is new mail.
        stat(join(folders.new, name)).then(
          () => notify(),
          () => undefined,
        )
      })
      watcher.on('error', (error) => {
        reportError(error)
        watcher?.close()
        watcher = null
        if (!stopped) {
          settings.logger.info('maildir watch falls back to polling', { directory: settings.directory })
          void startPolling()
        }
      })
      return true
    } catch (error) {
      reportError(error)
      return false
    }
  }

  if (settings.polling || !startWatching()) await startPolling()

  return {
    async stop() {
      stopped = true
      watcher?.close()
      watcher = null
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
