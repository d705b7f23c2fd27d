import { silentLogger, ValidationError, type CamClient, type Logger } from '@cam/core'
import { isLogger, parseOptions } from '@cam/core/adapter-kit'
import { z } from 'zod'

/** Who is looking, as the host's {@link DashboardOptions.authorize} established it. */
export interface DashboardActor {
  /**
   * Who this is, as it should appear in the logs of every action (`ana@acme.io`, `ops-bot`).
   * CSRF tokens are tied to it. One line, at most 200 characters.
   */
  actor: string
  /** True: the person may look but not act (every POST answers 403). Default false. */
  readOnly?: boolean | undefined
}

/**
 * The host's access check, asked on every request but the stylesheet's:
 *
 * - `{ actor }` — allowed (as that actor);
 * - `null` / `undefined` — not signed in: 401;
 * - a `Response` — sent as it is, e.g. a 401 with `WWW-Authenticate: Basic realm="CAM"` so the
 *   browser asks for a password, a 403 for someone signed in but not allowed, or a redirect to
 *   the host's sign-in page.
 *
 * It may be async. When it throws, the request gets a 500 (logged), never access.
 */
export type DashboardAuthorize = (
  request: Request,
) => DashboardActor | Response | null | undefined | Promise<DashboardActor | Response | null | undefined>

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** The management client the dashboard reads and acts through (`createCamClient({ store })`). */
  client: CamClient
  /**
   * The access check (see {@link DashboardAuthorize}). Required: there is no anonymous
   * default. Leave it out only with `dangerouslyAllowAnonymous: true`.
   */
  authorize?: DashboardAuthorize | undefined
  /** Where the host mounts the dashboard, e.g. `/admin/cam` (no trailing slash; `/` for the root). */
  basePath: string
  /**
   * Serve everyone as the actor `anonymous`, without `authorize` — for a dashboard on
   * localhost only (the demo). Never on a reachable address: anyone could pause campaigns.
   */
  dangerouslyAllowAnonymous?: boolean | undefined
  /** Where actions (`dashboard action` at info, with actor, action and target) and failures go. Default: silent. */
  logger?: Logger | undefined
  /**
   * Key of the CSRF tokens (at least 32 characters). Default: random per `createDashboard`
   * call — then a form rendered by one process is refused by another (several replicas
   * behind a load balancer) or after a restart; give every replica the same secret.
   */
  csrfSecret?: string | undefined
  /** Rows per page on every list (1 to 500, default 50). */
  pageSize?: number | undefined
  /**
   * Origins (`https://ops.acme.io`) whose forms may post besides the request's own host —
   * needed only when a proxy rewrites the Host header. Default: none.
   */
  trustedOrigins?: readonly string[] | undefined
}

/** Options after validation, defaults applied. */
export interface ResolvedDashboardOptions {
  client: CamClient
  authorize: DashboardAuthorize | null
  basePath: string
  logger: Logger
  csrfSecret: string | null
  pageSize: number
  trustedOrigins: string[]
}

const basePathMessage = 'expected a path such as "/admin/cam": starting with "/", no trailing "/", only letters, digits and - _ . ~ / (use "/" for the root)'

const optionsSchema = z.object({
  client: z.custom<CamClient>(
    (value) => typeof value === 'object' && value !== null && ['listCampaigns', 'getCampaignMetrics', 'pauseCampaign'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: 'expected a CamClient (createCamClient({ store }))' },
  ),
  authorize: z.custom<DashboardAuthorize>((value) => typeof value === 'function', { error: 'expected a function (request) => { actor } | null | Response' }).optional(),
  basePath: z.string({ error: basePathMessage }).regex(/^(?:\/|(?:\/[A-Za-z0-9\-_.~]+)+)$/, { message: basePathMessage }),
  dangerouslyAllowAnonymous: z.boolean({ error: 'expected true or false' }).optional(),
  logger: z.custom<Logger>((value) => isLogger(value), { error: 'expected a logger with debug, info, warn and error methods' }).optional(),
  csrfSecret: z.string({ error: 'expected a string of at least 32 characters' }).min(32, { message: 'expected a string of at least 32 characters' }).optional(),
  pageSize: z
    .number({ error: 'expected an integer from 1 to 500' })
    .int({ message: 'expected an integer from 1 to 500' })
    .min(1, { message: 'expected an integer from 1 to 500' })
    .max(500, { message: 'expected an integer from 1 to 500' })
    .optional(),
  trustedOrigins: z
    .array(
      z.string().refine((value) => {
        try {
          return new URL(value).origin === value
        } catch {
          return false
        }
      }, { message: 'expected an origin such as "https://ops.acme.io" (scheme and host, no path)' }),
      { error: 'expected an array of origins' },
    )
    .optional(),
})

/** Validates the options (every bad field named in one `ValidationError`, code `CONFIG_INVALID`). */
export function resolveDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('dashboard options', [{ path: 'options', message: 'expected { client, authorize, basePath, … }' }], { code: 'CONFIG_INVALID' })
  }
  const parsed = parseOptions(optionsSchema, options, 'dashboard options')
  if (!parsed.authorize && parsed.dangerouslyAllowAnonymous !== true) {
    throw new ValidationError(
      'dashboard options',
      [
        {
          path: 'authorize',
          message:
            'expected a function (request) => { actor } | null | Response that checks who is asking — the dashboard pauses campaigns and edits the suppression list, so it has no anonymous default (set dangerouslyAllowAnonymous: true only for a dashboard on localhost)',
        },
      ],
      { code: 'CONFIG_INVALID' },
    )
  }
  return {
    client: parsed.client,
    authorize: parsed.authorize ?? null,
    basePath: parsed.basePath === '/' ? '' : parsed.basePath,
    logger: parsed.logger ?? silentLogger,
    csrfSecret: parsed.csrfSecret ?? null,
    pageSize: parsed.pageSize ?? 50,
    trustedOrigins: parsed.trustedOrigins ?? [],
  }
}
