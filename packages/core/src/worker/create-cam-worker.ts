import { hostname } from 'node:os'
import { createRuleClassifier } from '../classifier/create-rule-classifier.js'
import { CamError, errorMessage } from '../errors/cam-error.js'
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js'
import type { AlertChannelV1 } from '../ports/alert-channel-v1.js'
import type { ClassifierV1 } from '../ports/classifier-v1.js'
import type { InboxV1 } from '../ports/inbox-v1.js'
import type { LockV1 } from '../ports/lock-v1.js'
import type { SenderV1 } from '../ports/sender-v1.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { systemClock, type Clock } from '../util/clock.js'
import { silentLogger, type Logger } from '../util/logger.js'
import type { CamHooks } from './cam-hooks.js'
import { Leadership } from './leadership.js'
import { InboxWatches } from './inbox-watches.js'
import { PollLeaseBalancer, pollLeasePrefix } from './poll-lease-balancer.js'
import type { WorkerHeartbeat } from '../domain/heartbeat.js'
import { SafeEmitter, type CamEventSource, type CamListener } from './safe-emitter.js'
import type { CycleReport, StepReport } from './cycle-report.js'
import type { CycleState, WorkerStep } from './step.js'
import { createAlertsStep } from './steps/alerts-step.js'
import { createWebhooksStep, ensureWebhooksRegistered } from './steps/webhooks-step.js'
import { parseWebhookEndpoints, type WebhookEndpointConfig } from './webhook-endpoints.js'
import { createDecideStep } from './steps/decide-step.js'
import { createMetricsStep } from './steps/metrics-step.js'
import { createPollStep } from './steps/poll-step.js'
import { createProcessStep } from './steps/process-step.js'
import { createSendStep } from './steps/send-step.js'
import { createTimeoutsStep } from './steps/timeouts-step.js'
import { resolveWorkerConfig, type WorkerConfig, type WorkerConfigInput } from './worker-config.js'
import type { WorkerRuntime } from './worker-runtime.js'
import { wrapPort } from '../ports/wrap-port.js'
import type { CamEventName } from './cam-events.js'
import { parseMailboxes, type MailboxConfig } from './mailbox-pool.js'

/** What a worker is composed of. */
export interface CamWorkerOptions {
  /** Storage port. When it also implements `Lock` (as the PostgreSQL and memory stores do), it is used for leases too. */
  store: StoreV1
  /** Lease port; defaults to `store` when the store implements it. */
  lock?: LockV1 | undefined
  /** Mailbox(es) replies arrive in. Without one, the worker only sends. */
  inbox?: InboxV1 | InboxV1[] | undefined
  /** Email provider. Without one (and without `mailboxes`), the worker does not send. */
  sender?: SenderV1 | undefined
  /**
   * A sending pool: mailboxes the team owns, each with its own sender (and inbox, polled
   * like `inbox`), daily limit, ramp-up, gap and health. Campaigns send from them
   * (`campaign.mailboxes`, or all): each new lead gets the mailbox with the most room, its
   * follow-ups stay on it. Without a pool, campaigns send as `campaign.sender` through `sender`.
   */
  mailboxes?: MailboxConfig[] | undefined
  /** Defaults to the built-in rule classifier. */
  classifier?: ClassifierV1 | undefined
  /** Where human alerts go; each channel gets each alert exactly once. */
  alerts?: AlertChannelV1[] | undefined
  /**
   * Outbound webhooks: endpoints that receive CAM's events (replies classified, leads
   * moved, campaigns paused, alerts, emails sent and bounced) signed per Standard Webhooks,
   * each event exactly once per endpoint from CAM's side (see `docs/webhooks.md`). Give
   * every worker of a deployment the same list.
   */
  webhooks?: WebhookEndpointConfig[] | undefined
  config?: WorkerConfigInput | undefined
  hooks?: CamHooks | undefined
  logger?: Logger | undefined
  /** Source of "now" for every step (inject a manual clock in simulations). */
  clock?: Clock | undefined
}

/** A running (or runnable) CAM worker. */
export interface CamWorker extends CamEventSource {
  readonly workerId: string
  readonly config: WorkerConfig
  /** Names of the steps of a cycle, in order. */
  readonly steps: readonly string[]
  /** True between `start()` and the end of `stop()`. */
  readonly running: boolean
  /**
   * Runs one full cycle and reports each step: ok/error/skipped, duration, counts, notes.
   * The leases its leader steps took stay held afterwards (the next `runOnce()` renews
   * them, as a started worker's cycles do) until `stop()` releases them or they expire
   * (`leaseTtlMs`): a script that runs one cycle and exits should call `stop()` first, so
   * that other workers need not wait for the expiry.
   */
  runOnce(): Promise<CycleReport>
  /**
   * Runs cycles until `stop()` (or SIGTERM/SIGINT, unless `config.stopOnSignals` is
   * false). Sleeps `intervalMs` between cycles, but wakes at once on new mail (IDLE)
   * or newly queued work. Resolves once stopped.
   */
  start(): Promise<void>
  /** Graceful stop: finishes the step in flight, releases leases, stops watchers. */
  stop(): Promise<void>
  /** Starts the next cycle now (when started) instead of waiting for the interval. */
  wake(): void
}

const leaderLease = 'cam:leader'

function isLock(value: unknown): value is LockV1 {
  const candidate = value as Partial<LockV1> | null
  return typeof candidate?.acquire === 'function' && typeof candidate.renew === 'function' && typeof candidate.release === 'function'
}

function validateOptions(options: CamWorkerOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  if (!options || typeof options.store !== 'object' || options.store === null) issues.push({ path: 'store', message: 'expected a Store adapter' })
  if (options?.lock !== undefined && !isLock(options.lock)) issues.push({ path: 'lock', message: 'expected a Lock adapter (acquire, renew, release)' })
  if (options?.lock === undefined && options?.store && !isLock(options.store)) {
    issues.push({ path: 'lock', message: 'expected a Lock adapter: the store does not implement leases, pass `lock`' })
  }
  const inboxes = options?.inbox === undefined ? [] : Array.isArray(options.inbox) ? options.inbox : [options.inbox]
  const inboxNames = new Set<string>()
  inboxes.forEach((inbox, index) => {
    if (typeof inbox?.fetch !== 'function' || typeof inbox.name !== 'string' || !inbox.name) issues.push({ path: `inbox.${index}`, message: 'expected an Inbox adapter with a name and fetch()' })
    else if (inboxNames.has(inbox.name)) issues.push({ path: `inbox.${index}.name`, message: `duplicate inbox name "${inbox.name}"` })
    else inboxNames.add(inbox.name)
  })
  if (options?.sender !== undefined && (typeof options.sender?.send !== 'function' || typeof options.sender.idempotent !== 'boolean')) {
    issues.push({ path: 'sender', message: 'expected a Sender adapter with send() and an idempotent flag' })
  }
  if (options?.classifier !== undefined && typeof options.classifier?.classify !== 'function') issues.push({ path: 'classifier', message: 'expected a Classifier with classify()' })
  const channelNames = new Set<string>()
  ;(options?.alerts ?? []).forEach((channel, index) => {
    if (typeof channel?.deliver !== 'function' || typeof channel.name !== 'string' || !channel.name) issues.push({ path: `alerts.${index}`, message: 'expected an AlertChannel with a name and deliver()' })
    else if (channelNames.has(channel.name)) issues.push({ path: `alerts.${index}.name`, message: `duplicate alert channel name "${channel.name}": deliveries are tracked per name` })
    else channelNames.add(channel.name)
  })
  return issues
}

/**
 * Creates a CAM worker: the eight-step cycle (send, poll, process, timeouts,
 * metrics, decide, alerts, webhooks) over the given ports.
 *
 * ```ts
 * const worker = createCamWorker({ store, inbox, sender, alerts: [slack] })
 * worker.on('reply:classified', (e) => log(e))
 * await worker.start()
 * ```
 */
export function createCamWorker(options: CamWorkerOptions): CamWorker {
  const issues = validateOptions(options)
  const pool = parseMailboxes(options?.mailboxes, issues)
  const webhooks = parseWebhookEndpoints(options?.webhooks, issues)
  const poolInboxNames = new Set((options?.inbox === undefined ? [] : Array.isArray(options.inbox) ? options.inbox : [options.inbox]).map((inbox) => inbox?.name))
  pool.forEach((mailbox, index) => {
    if (mailbox.inbox && poolInboxNames.has(mailbox.inbox.name)) issues.push({ path: `mailboxes.${index}.inbox.name`, message: `duplicate inbox name "${mailbox.inbox.name}"` })
    if (mailbox.inbox) poolInboxNames.add(mailbox.inbox.name)
  })
  let resolved: WorkerConfig | null = null
  try {
    resolved = resolveWorkerConfig(options?.config)
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error
    issues.push(...error.issues.map((i) => ({ ...i, path: `config.${i.path}` })))
  }
  if (issues.length > 0 || !resolved) throw new ValidationError('worker options', issues, { code: 'CONFIG_INVALID' })
  const config: WorkerConfig = resolved

  const logger = options.logger ?? silentLogger
  const clock = options.clock ?? systemClock
  const emitter = new SafeEmitter(logger)
  const emit: WorkerRuntime['emit'] = (event, payload) => emitter.emit(event, payload)
  const store = wrapPort(options.store, 'store', 'STORE_FAILED')
  const lock = wrapPort(options.lock ?? (options.store as unknown as LockV1), 'lock', 'LOCK_FAILED')
  const inboxes = [
    ...(options.inbox === undefined ? [] : Array.isArray(options.inbox) ? options.inbox : [options.inbox]),
    ...pool.flatMap((mailbox) => (mailbox.inbox ? [mailbox.inbox] : [])),
  ].map((inbox) => wrapPort(inbox, `inbox ${inbox.name}`, 'INBOX_FAILED'))
  const runtime: WorkerRuntime = {
    inboxes,
    sender: options.sender ? wrapPort(options.sender, 'sender', 'SEND_RETRYABLE') : null,
    pool,
    classifier: wrapPort(options.classifier ?? createRuleClassifier(), 'classifier', 'CLASSIFIER_FAILED'),
    alertChannels: (options.alerts ?? []).map((channel) => wrapPort(channel, `alert channel ${channel.name}`, 'ALERT_FAILED')),
    webhooks,
    hooks: options.hooks ?? {},
    config,
    logger,
    emit,
  }

  const defaults: WorkerStep[] = [
    createSendStep(runtime),
    ...inboxes.map((inbox) => createPollStep(runtime, inbox, inboxes.length === 1 ? 'poll' : `poll:${inbox.name}`)),
    createProcessStep(runtime),
    createTimeoutsStep(runtime),
    createMetricsStep(runtime),
    createDecideStep(runtime),
    createAlertsStep(runtime),
    createWebhooksStep(runtime),
  ]
  let steps = defaults
  if (runtime.hooks.steps) {
    try {
      steps = runtime.hooks.steps([...defaults])
    } catch (error) {
      throw new CamError('HOOK_FAILED', `hooks.steps threw: ${errorMessage(error)}`, { cause: error })
    }
    const names = new Set<string>()
    const stepIssues: ValidationIssue[] = []
    steps.forEach((step, index) => {
      if (!step || typeof step.run !== 'function' || typeof step.name !== 'string' || !step.name) stepIssues.push({ path: `steps.${index}`, message: 'expected a step with a name and run()' })
      else if (names.has(step.name)) stepIssues.push({ path: `steps.${index}.name`, message: `duplicate step name "${step.name}"` })
      else names.add(step.name)
    })
    if (stepIssues.length > 0) throw new ValidationError('worker steps (from hooks.steps)', stepIssues, { code: 'CONFIG_INVALID' })
  }

  const leadership = new Leadership(lock, config.workerId, runtime, config.leaseTtlMs)
  // Poll leases are spread across the live workers; IDLE watches follow the leases held.
  const pollLeases = steps.flatMap((step) => (typeof step.leader === 'string' && step.leader.startsWith(pollLeasePrefix) ? [step.leader] : []))
  const balancer = pollLeases.length > 0 ? new PollLeaseBalancer({ leadership, store, clock, workerId: config.workerId, leaseNames: pollLeases, config, runtime }) : null
  const inboxWatches = new InboxWatches({ inboxes, onNewMail: () => wake(), workerId: config.workerId, runtime })
  const polledInboxes = () => inboxes.filter((inbox) => leadership.holds(`${pollLeasePrefix}${inbox.name}`)).map((inbox) => inbox.name)
  let watching = false
  let lastHeartbeat: WorkerHeartbeat | null = null
  const startedAt = clock.now()
  let cycles = 0
  let running = false
  let stopController = new AbortController()
  let inFlight: Promise<CycleReport> | null = null
  let loop: Promise<void> | null = null
  let wakeUp: (() => void) | null = null
  let wakePending = false

  async function runCycle(): Promise<CycleReport> {
    const cycle = ++cycles
    const cycleStart = clock.now()
    const started = performance.now()
    const shared: CycleState = {}
    const reports: StepReport[] = []
    let lastError: string | null = null
    let balanced = false
    emit('cycle:start', { cycle, startedAt: cycleStart })
    // Before any step records events: endpoints registered later would miss them.
    await ensureWebhooksRegistered(runtime, store, cycleStart)
    for (const step of steps) {
      if (stopController.signal.aborted) break
      const t0 = performance.now()
      const finish = (report: Omit<StepReport, 'name' | 'durationMs'>) => {
        const full: StepReport = { name: step.name, durationMs: Math.round((performance.now() - t0) * 1000) / 1000, ...report }
        reports.push(full)
        emit('step:end', { cycle, step: step.name, report: full })
      }
      if (step.leader) {
        const lease = step.leader === true ? leaderLease : step.leader
        let leader = false
        try {
          if (balancer?.manages(lease)) {
            if (!balanced) balanced = await balancePollLeases()
            leader = leadership.holds(lease) && (await leadership.ensure(lease))
          } else leader = await leadership.ensure(lease)
        } catch (error) {
          lastError = `${step.name}: ${errorMessage(error)}`
          emit('step:error', { cycle, step: step.name, error })
          finish({ status: 'error', counts: {}, error: errorMessage(error) })
          continue
        }
        if (!leader) {
          finish({ status: 'skipped', counts: {}, reason: balancer?.manages(lease) ? balancer.skipReason(lease) : `lease ${lease} is held by another worker` })
          continue
        }
      }
      emit('step:start', { cycle, step: step.name })
      const notes: string[] = []
      const withNotes = () => (notes.length > 0 ? { notes: [...notes] } : {})
      try {
        const counts = await step.run({
          now: clock.now(),
          cycle,
          workerId: config.workerId,
          store,
          clock,
          config,
          logger,
          signal: stopController.signal,
          emit,
          shared,
          note(message) {
            notes.push(message)
            logger.info(message, { step: step.name, cycle })
          },
        })
        finish({ status: 'ok', counts: counts ?? {}, ...withNotes() })
      } catch (error) {
        lastError = `${step.name}: ${errorMessage(error)}`
        logger.error('step failed', { step: step.name, cycle, error: errorMessage(error) })
        emit('step:error', { cycle, step: step.name, error })
        finish({ status: 'error', counts: {}, error: errorMessage(error), ...withNotes() })
      }
    }
    await inboxWatches.sync(polledInboxes(), { watch: watching })
    await writeHeartbeat({
      workerId: config.workerId,
      host: hostname(),
      pid: process.pid,
      startedAt,
      lastSeenAt: clock.now(),
      cycles: cycle,
      lastError,
      leases: leadership.names,
    })
    const report: CycleReport = { cycle, startedAt: cycleStart, durationMs: Math.round((performance.now() - started) * 1000) / 1000, steps: reports }
    emit('cycle:end', { cycle, report })
    return report
  }

  async function writeHeartbeat(heartbeat: WorkerHeartbeat): Promise<void> {
    try {
      await store.recordHeartbeat(heartbeat)
      lastHeartbeat = heartbeat
    } catch (error) {
      logger.error('heartbeat failed', { error: errorMessage(error) })
      emit('worker:error', { workerId: config.workerId, error, during: 'heartbeat' })
    }
  }

  /** Spreads the poll leases (once per cycle, before the first poll step); watches follow. */
  async function balancePollLeases(): Promise<true> {
    try {
      await balancer!.balance()
    } catch (error) {
      logger.error('poll lease balancing failed; keeping the poll leases held', { error: errorMessage(error) })
      emit('worker:error', { workerId: config.workerId, error, during: 'poll lease balancing' })
    }
    // Not awaited: new watches connect while the poll steps fetch (the cycle waits for them at its end).
    void inboxWatches.sync(polledInboxes(), { watch: watching })
    return true
  }

  /** Releases every lease; a polling worker then says so in a last heartbeat, so the others take its inboxes at once. */
  async function releaseLeases(): Promise<void> {
    await leadership.releaseAll()
    if (balancer && lastHeartbeat) await writeHeartbeat({ ...lastHeartbeat, lastSeenAt: clock.now(), leases: leadership.names })
  }

  function runOnce(): Promise<CycleReport> {
    // One cycle at a time per worker: a second call waits for the first.
    const previous = inFlight ?? Promise.resolve(null)
    const next = previous.catch(() => null).then(() => runCycle())
    inFlight = next
    void next.finally(() => {
      if (inFlight === next) inFlight = null
    })
    return next
  }

  function sleep(ms: number): Promise<void> {
    if (wakePending) {
      wakePending = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakeUp = null
        resolve()
      }
      wakeUp = done
    })
  }

  function wake(): void {
    if (wakeUp) wakeUp()
    else wakePending = true
  }

  async function startLoop(): Promise<void> {
    // Watches follow the poll leases: each cycle starts those of newly held inboxes and stops the others.
    watching = true
    const unsubscribe = options.store.onWorkQueued?.(wake)
    const onSignal = () => void stop()
    if (config.stopOnSignals) {
      process.once('SIGTERM', onSignal)
      process.once('SIGINT', onSignal)
    }
    emit('worker:started', { workerId: config.workerId })
    try {
      while (!stopController.signal.aborted) {
        await runOnce()
        if (stopController.signal.aborted) break
        await sleep(config.intervalMs)
      }
    } finally {
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      unsubscribe?.()
      watching = false
      await inboxWatches.stopAll()
      // Free the inboxes' and senders' connections; adapters reconnect if the worker is started again.
      await Promise.all(
        inboxes.map(async (inbox) => {
          try {
            await inbox.close?.()
          } catch (error) {
            logger.warn('inbox close failed', { inbox: inbox.name, error: errorMessage(error) })
          }
        }),
      )
      const senders = [...(runtime.sender ? [runtime.sender] : []), ...runtime.pool.map((mailbox) => mailbox.sender)]
      await Promise.all(
        senders.map(async (sender) => {
          try {
            await sender.close?.()
          } catch (error) {
            logger.warn('sender close failed', { sender: sender.name, error: errorMessage(error) })
          }
        }),
      )
      await releaseLeases()
      emit('worker:stopped', { workerId: config.workerId, cycles })
    }
  }

  async function stop(): Promise<void> {
    stopController.abort()
    wake()
    if (loop) await loop
    else {
      await inFlight?.catch(() => undefined)
      await releaseLeases()
    }
    // Stopped: later runOnce() calls (or a new start()) run full cycles again.
    stopController = new AbortController()
  }

  const worker: CamWorker = {
    get workerId() {
      return config.workerId
    },
    config,
    steps: steps.map((step) => step.name),
    get running() {
      return running
    },
    runOnce,
    async start() {
      if (running) throw new CamError('WORKER_STATE', 'worker.start(): the worker is already running')
      running = true
      stopController = new AbortController()
      wakePending = false
      loop = startLoop()
      try {
        await loop
      } finally {
        loop = null
        running = false
      }
    },
    stop,
    wake,
    on<K extends CamEventName>(event: K, listener: CamListener<K>) {
      emitter.on(event, listener)
      return worker
    },
    once<K extends CamEventName>(event: K, listener: CamListener<K>) {
      emitter.on(event, listener, true)
      return worker
    },
    off<K extends CamEventName>(event: K, listener: CamListener<K>) {
      emitter.off(event, listener)
      return worker
    },
  }
  return worker
}
