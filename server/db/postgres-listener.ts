/**
 * One LISTEN connection per server process: hears the commits of every process on the database
 * (pushes NOTIFY inside their transaction, so PostgreSQL delivers at commit, never for a
 * rolled-back push; https://www.postgresql.org/docs/15/sql-notify.html).
 *
 * Notifications are not queued for a disconnected listener: when the connection drops
 * (PostgreSQL restarted, a network cut) it reconnects with exponential backoff, and once it is
 * back it signals a resync, because what was committed meanwhile was never heard. A connection
 * that dies silently (no FIN) is found by a heartbeat query.
 */
import pg from 'pg';

export const CHANGES_CHANNEL = 'ventanilla_changes';

export type ListenerOptions = {
  connectionString: string;
  onNotification: (payload: string) => void;
  /** The connection was lost and is back: notifications may have been missed. */
  onResync: () => void;
  heartbeatMs?: number;
  /** First reconnection delay; doubles up to `maxBackoffMs`, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

export class ChangeListener {
  private client: pg.Client | null = null;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ListenerOptions) {}

  /** Connects and listens; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const heartbeatMs = this.options.heartbeatMs ?? 15_000;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      keepAlive: true,
      query_timeout: heartbeatMs,
      connectionTimeoutMillis: 10_000,
      application_name: 'ventanilla-listener',
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) this.options.onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.heartbeatTimer = setInterval(() => {
      client.query('SELECT 1').catch(() => this.lost(client));
    }, heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.stopHeartbeat();
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 100;
    const max = this.options.maxBackoffMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.connect().then(
        () => {
          if (this.closed) return;
          this.attempt = 0;
          this.options.onResync();
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
