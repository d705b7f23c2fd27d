// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeInboxConformance } from '@cam/core/testing'
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest'
import { createMaildirInbox, deliverToMaildir } from '../src/index.js'
import { maildirFiles, removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'

afterAll(removeTemporaryDirectories)

/** Flags as IMAP would report them, read from the file names without touching the files. */
const flagsOf = async (directory: string) => (await maildirFiles(directory)).map((file) => file.flags)

describeInboxConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'maildir (fs.watch)',
    watchTimeoutMs: 20_000, // generous: a loaded machine may take seconds
    create: async () => {
      const directory = await temporaryDirectory('cam-maildir-')
      const inbox = createMaildirInbox({ directory, createIfMissing: true, name: 'conformance' })
      return {
        inbox,
        deliver: async (raw) => {
          await deliverToMaildir(directory, raw, { createIfMissing: true })
        },
        flags: () => flagsOf(directory),
      }
    },
  },
)

describeInboxConformance(
  { describe, it },
  {
    name: 'maildir (polling watch, small cursor)',
    watchTimeoutMs: 20_000, // generous: a loaded machine may take seconds
    create: async () => {
      const directory = await temporaryDirectory('cam-maildir-')
      // A cursor that remembers only two names: the floor moves on almost every message.
      const inbox = createMaildirInbox({ directory, createIfMissing: true, cursorCapacity: 2, watch: { polling: true, pollIntervalMs: 50 } })
      return {
        inbox,
        deliver: async (raw) => {
          await deliverToMaildir(directory, raw, { createIfMissing: true })
        },
        flags: () => flagsOf(directory),
      }
    },
  },
)
