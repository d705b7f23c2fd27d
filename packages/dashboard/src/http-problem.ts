/**
 * An answer other than the page, raised inside a page or an action and turned into a
 * response by the handler: 400 bad form, 403 refused, 404 unknown id, 409 conflict.
 * Internal: it never leaves the dashboard's handler.
 */
export class HttpProblem extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.name = 'HttpProblem'
    this.status = status
  }
}
