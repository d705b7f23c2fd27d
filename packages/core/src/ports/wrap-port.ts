import { AdapterError } from '../errors/adapter-error.js'
import { CamError, type CamErrorCode } from '../errors/cam-error.js'

/**
 * Wraps every method of an adapter so that a failure surfaces as an `AdapterError`
 * (`code`, port and method named, original kept as `cause`). CAM errors the adapter
 * threw on purpose (conflicts, send errors, …) pass through unchanged.
 */
export function wrapPort<T extends object>(port: T, portName: string, code: CamErrorCode): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || typeof property !== 'string') return value
      const method = value as (...args: unknown[]) => unknown
      return (...args: unknown[]) => {
        let result: unknown
        try {
          result = method.apply(target, args)
        } catch (error) {
          throw CamError.isInstance(error) ? error : new AdapterError(code, portName, property, error)
        }
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            throw CamError.isInstance(error) ? error : new AdapterError(code, portName, property, error)
          })
        }
        return result
      }
    },
  })
}
