import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deliverToMaildir } from '@cam/adapter-filesystem'
import { parseRawMessage } from '@cam/core'
import { personaOf } from './demo-campaign.js'
import { planReply, type PlannedReply } from './prospect-replies.js'

interface SimulatorState {
  /** Outbox files already read. */
  seen: string[]
  /** Replies waiting for their time. */
  planned: Array<Omit<PlannedReply, 'at'> & { at: string }>
  delivered: number
}

/**
 * Plays the prospects: reads every new `.eml` in the outbox (what the file sender
 * wrote), plans each persona's reaction, and drops the raw replies into the Maildir
 * when the simulated clock reaches them. Its state lives next to the demo data, so a
 * second run never answers the same email twice.
 */
export class ProspectSimulator {
  private state: SimulatorState = { seen: [], planned: [], delivered: 0 }

  constructor(
    private readonly outbox: string,
    private readonly maildir: string,
    private readonly stateFile: string,
  ) {}

  async load(): Promise<void> {
    try {
      this.state = JSON.parse(await readFile(this.stateFile, 'utf8')) as SimulatorState
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }

  private async save(): Promise<void> {
    await writeFile(this.stateFile, JSON.stringify(this.state))
  }

  /** Reads new outbox files and plans replies. Returns how many emails the prospects received. */
  async readOutbox(): Promise<number> {
    const seen = new Set(this.state.seen)
    const files = (await readdir(this.outbox).catch(() => [] as string[])).filter((name) => name.endsWith('.eml') && !seen.has(name)).sort()
    for (const name of files) {
      const parsed = await parseRawMessage(await readFile(join(this.outbox, name)))
      const to = parsed.to[0]?.address ?? ''
      const lead = personaOf(to)
      if (lead && parsed.messageId) {
        const sentAt = parsed.date ?? new Date()
        const reply = planReply(
          lead,
          { messageId: parsed.messageId, subject: parsed.subject, text: parsed.text, from: parsed.from?.address ?? '', to, stepIndex: parsed.inReplyTo ? 1 : 0 },
          sentAt,
        )
        if (reply) this.state.planned.push({ ...reply, at: reply.at.toISOString() })
      }
      this.state.seen.push(name)
    }
    if (files.length > 0) await this.save()
    return files.length
  }

  /** Replies planned but not delivered yet (a prospect still to answer). */
  get pendingReplies(): number {
    return this.state.planned.length
  }

  /** Delivers every planned reply due at `now`. Returns how many were delivered. */
  async deliverDue(now: Date): Promise<number> {
    const due = this.state.planned.filter((reply) => new Date(reply.at) <= now)
    if (due.length === 0) return 0
    for (const reply of due) {
      await deliverToMaildir(this.maildir, reply.raw, { createIfMissing: true, receivedAt: new Date(reply.at) })
    }
    this.state.planned = this.state.planned.filter((reply) => new Date(reply.at) > now)
    this.state.delivered += due.length
    await this.save()
    return due.length
  }
}
