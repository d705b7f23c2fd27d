// Runs a published conformance suite: every test in it asserts with node:assert/strict (see @cam/core/testing).
import { describeSenderConformance } from '@cam/core/testing'
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest'
import { createFileSender } from '../src/index.js'
import { receivedEmails } from './support/outbox.js'
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'

afterAll(removeTemporaryDirectories)

describeSenderConformance(
  { describe, it, beforeEach, afterEach },
  {
    name: 'file (pickup directory of .eml files)',
    create: async () => {
      const directory = await temporaryDirectory('cam-outbox-')
      return {
        sender: createFileSender({ directory }),
        // The provider's view: the .eml files on disk, parsed as a mail client would.
        received: () => receivedEmails(directory),
      }
    },
  },
)
