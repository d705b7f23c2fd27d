import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

/** What {@link readMessageFile} read from one message file. */
export interface MessageFileContent {
  /** The whole file, or only its header block when `truncated`. */
  raw: Uint8Array
  /** True when the file was larger than the limit and only the header block was read. */
  truncated: boolean
  /** Size of the file in bytes. */
  size: number
  /** The file's modification time: the message's received date in Dovecot's Maildir convention. */
  modifiedAt: Date
}

/** Header blocks longer than this are cut at the last line break before it. */
const maxHeaderBytes = 256 * 1024
const chunkBytes = 16 * 1024

/**
 * Offset just past the blank line that ends the header block (`\n\n` or `\n\r\n`), or -1.
 * `from` lets a caller continue a search across chunks without scanning twice.
 */
function headerEnd(bytes: Uint8Array, length: number, from: number): number {
  for (let index = Math.max(from, 0); index < length; index++) {
    if (bytes[index] !== 0x0a) continue
    if (bytes[index + 1] === 0x0a && index + 1 < length) return index + 2
    if (bytes[index + 1] === 0x0d && bytes[index + 2] === 0x0a && index + 2 < length) return index + 3
  }
  return -1
}

/**
 * Reads one message file. Files up to `maxBytes` are read whole; larger ones yield their
 * header block only (through the blank line that ends it), so a 200 MB attachment never
 * lands in memory. Opening the file once and reading from the handle means a concurrent
 * rename (a mail client moving it to `cur/`) cannot mix two files.
 */
export async function readMessageFile(path: string, maxBytes: number): Promise<MessageFileContent> {
  // O_NONBLOCK: a FIFO dropped into the Maildir must not hang the fetch (no effect on regular files).
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREGULAR' })
    if (stats.size <= maxBytes) {
      const buffer = await handle.readFile()
      return { raw: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), truncated: false, size: buffer.byteLength, modifiedAt: stats.mtime }
    }
    const limit = Math.min(maxHeaderBytes, maxBytes)
    const buffer = Buffer.alloc(limit)
    let length = 0
    let end = -1
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, Math.min(chunkBytes, limit - length), length)
      if (bytesRead === 0) break
      end = headerEnd(buffer, length + bytesRead, length - 2)
      length += bytesRead
      if (end >= 0) break
    }
    if (end < 0) {
      // No blank line within the limit: keep whole lines only.
      const lastLineBreak = buffer.subarray(0, length).lastIndexOf(0x0a)
      end = lastLineBreak >= 0 ? lastLineBreak + 1 : length
    }
    const header = new Uint8Array(end)
    header.set(buffer.subarray(0, end))
    return { raw: header, truncated: true, size: stats.size, modifiedAt: stats.mtime }
  } finally {
    await handle.close()
  }
}
