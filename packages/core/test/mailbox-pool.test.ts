import { describe, it } from 'vitest'
import { createMemoryStore, describeMailboxPoolScenario } from '../src/testing/index.js'

describeMailboxPoolScenario({ describe, it }, { name: 'memory', create: async () => createMemoryStore() })
