import type { AlertChannelV1 } from './alert-channel-v1.js'
import type { ClassifierV1 } from './classifier-v1.js'
import type { InboxV1 } from './inbox-v1.js'
import type { LockV1 } from './lock-v1.js'
import type { SenderV1 } from './sender-v1.js'
import type { StoreV1 } from './store-v1.js'

export type * from './alert-channel-v1.js'
export type * from './classifier-v1.js'
export type * from './inbox-v1.js'
export type * from './lock-v1.js'
export type * from './sender-v1.js'
export type * from './store-v1.js'
export type * from './store-webhooks-v1.js'

/** The storage port (current version). */
export type Store = StoreV1
/** The lease port (current version). */
export type Lock = LockV1
/** The inbox port (current version). */
export type Inbox = InboxV1
/** The sender port (current version). */
export type Sender = SenderV1
/** The classifier port (current version). */
export type Classifier = ClassifierV1
/** The alert channel port (current version). */
export type AlertChannel = AlertChannelV1
