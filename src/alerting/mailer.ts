/**
 * @module alerting/mailer
 * Alerts by e-mail over SMTP (nodemailer), when the operator configured a server (`smtp:` in
 * ward.yaml). The message says which rule fired, when, in which org, and the alert's summary:
 * never statement text or data (the summaries are built from ids, addresses, counts and names).
 * The password is read once at start and never logged.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../config/index.js';

export interface AlertMail {
  org_name: string;
  alert_id: string;
  title: string;
  summary: string;
  rule: string;
  event_time: string;
  chain: string;
  seq: number;
}

export interface Mailer {
  send(to: string[], mail: AlertMail): Promise<void>;
  close(): void;
}

export function createMailer(smtp: SmtpSettings, home: string): Mailer {
  const file = smtp.password_file
    ? isAbsolute(smtp.password_file)
      ? smtp.password_file
      : join(home, smtp.password_file)
    : undefined;
  const password = smtp.password ?? (file ? readFileSync(file, 'utf8').trim() : undefined);
  const ca = smtp.ca_file
    ? readFileSync(isAbsolute(smtp.ca_file) ? smtp.ca_file : join(home, smtp.ca_file), 'utf8')
    : undefined;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.starttls,
    ignoreTLS: !smtp.secure && !smtp.starttls,
    auth: smtp.user ? { user: smtp.user, pass: password ?? '' } : undefined,
    tls: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    logger: false,
  });
  return {
    async send(to, m) {
      await transport.sendMail({
        from: smtp.from,
        to,
        subject: `[Ward] ${m.title} (${m.org_name})`,
        text: [
          `${m.title} in ${m.org_name}`,
          '',
          m.summary,
          '',
          `When: ${m.event_time}`,
          `Rule: ${m.rule}`,
          `Alert: ${m.alert_id} (audit event ${m.chain}#${m.seq})`,
          '',
          `Acknowledge or dismiss it in the console, or with: ward alert ack ${m.alert_id} --org ${m.org_name}`,
        ].join('\n'),
      });
    },
    close: () => transport.close(),
  };
}
