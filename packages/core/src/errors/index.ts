export { CamError, errorMessage, type CamErrorCode, type CamErrorOptions } from './cam-error.js'
export { ValidationError, type ValidationIssue } from './validation-error.js'
export { AdapterError, ConflictError, NotFoundError } from './adapter-error.js'
export { SendError, AlertDeliveryError, InboxError, type SendErrorKind, type SendErrorScope, type SendRefusal } from './send-error.js'
