import { describe, it } from 'vitest'
import { createMemoryStore, describeMailboxPoolScenario } from '../src/testing/index.js'

// The scenario asserts inside (node:assert, as the conformance suites do): every limit, thread and spread it checks fails this test.
describeMailboxPoolScenario({ describe, it }, { name: 'memory', create: async () => createMemoryStore() })
