/**
 * `notify.email` over SMTP with nodemailer. The Message-ID is derived from the call's idempotency
 * key, so a retried send carries the same id and receiving systems can drop the duplicate.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { ActionError, ActionUnavailableError, FailureTypes, InvalidInputError } from './errors';
import type { SmtpConfig } from './contract';

/** One email to send. */
export interface EmailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly idempotencyKey: string;
}

/** Sends email; created once per worker. */
export interface Mailer {
  send(message: EmailMessage): Promise<{ readonly messageId: string }>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** A pragmatic address check: one `@`, no spaces, no angle brackets or commas that could add recipients. */
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const MAX_RECIPIENTS = 50;

/**
 * Checks `to`: a text is exactly one address (a comma in it is refused, so data such as
 * `a@b.com,x@evil.com` cannot add recipients); a list is one address per item.
 */
export function parseRecipients(to: unknown): string[] {
  const list = Array.isArray(to) ? (to as unknown[]) : [to];
  if (list.length === 0) throw new InvalidInputError('`to` has no address');
  if (list.length > MAX_RECIPIENTS)
    throw new InvalidInputError(`\`to\` has more than ${MAX_RECIPIENTS} addresses`);
  return list.map((item, i) => {
    const where = Array.isArray(to) ? `\`to[${i}]\`` : '`to`';
    if (typeof item !== 'string') throw new InvalidInputError(`${where} must be text (one email address)`);
    const address = item.trim();
    if (address.length === 0) throw new InvalidInputError(`${where} has no address`);
    if (/[,;]/.test(address)) {
      throw new InvalidInputError(
        `${where} must be one email address, got ${JSON.stringify(address.slice(0, 200))}; pass a list ([a, b]) for several`,
      );
    }
    if (!ADDRESS.test(address))
      throw new InvalidInputError(
        `${where}: ${JSON.stringify(address.slice(0, 200))} is not an email address`,
      );
    return address;
  });
}

/** `<hash-of-key@domain>`: stable per call, and the key itself (which names the run) stays private. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${hash}@${domain}>`;
}

function senderDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m ? m[1] : 'opsflow.invalid';
}

export function createMailer(config: SmtpConfig): Mailer {
  const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    requireTLS: config.requireTLS ?? false,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Messages are built from rule data only: never let content pull in local files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const domain = config.messageIdDomain ?? senderDomain(config.from);
  return {
    async send(message) {
      const messageId = messageIdFor(message.idempotencyKey, domain);
      try {
        await transport.sendMail({
          from: config.from,
          to: [...message.to],
          // Subjects are one line; a line break would be folded by nodemailer, but say what we mean.
          subject: message.subject.replace(/[\r\n]+/g, ' '),
          text: message.text,
          messageId,
        });
      } catch (err) {
        throw classifySmtpError(err);
      }
      return { messageId };
    },
  };
}

/** SMTP 4xx and connection trouble are transient; 5xx and authentication failures are not. */
function classifySmtpError(err: unknown): ActionError {
  const e = err as { responseCode?: unknown; code?: unknown; message?: unknown };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const name = typeof e.code === 'string' ? e.code : 'error';
  const text = typeof e.message === 'string' ? e.message.split('\n')[0] : 'unknown error';
  if (name === 'EAUTH')
    return new ActionError(FailureTypes.NotConfigured, `SMTP authentication failed: ${text}`);
  if (code !== undefined && code >= 500) {
    return new ActionError(
      FailureTypes.ActionRejected,
      `the mail server refused the message (${code}): ${text}`,
      {
        details: { smtpCode: code },
      },
    );
  }
  return new ActionUnavailableError(`the mail server is unavailable (${code ?? name}): ${text}`);
}
