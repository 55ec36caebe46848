import net from 'node:net';

// A TCP proxy on loopback between Urna and one of its servers (PostgreSQL, MariaDB, Redis), so a
// test can make the server unreachable and bring it back without touching the server itself,
// which other suites share. cut() resets every open connection and refuses new ones, which is
// what a client sees when the server stops or the network drops; restore() listens again on the
// same port.

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  url(serverUrl: string): string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Connections accepted so far (for assertions that traffic went through the proxy). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    // One side failing takes the other down with a reset, as a dead server would.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : port;
      resolve();
    });
  });
  await listen();
  let listening = true;

  const cut = async () => {
    if (listening) {
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.resetAndDestroy();
      await closed;
    }
  };

  return {
    get port() { return port; },
    get accepted() { return accepted; },
    url(serverUrl) {
      const u = new URL(serverUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut,
    async restore() {
      if (listening) return;
      // The port was ours a moment ago; retry briefly in case the kernel has not released it.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen();
          listening = true;
          return;
        } catch (err) {
          if (attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    close: cut,
  };
}

/** Host and port of a server URL such as postgres://user@127.0.0.1:5432/db. */
export function targetOf(serverUrl: string): { host: string; port: number } {
  const u = new URL(serverUrl);
  const defaults: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'mysql:': 3306, 'mariadb:': 3306, 'redis:': 6379 };
  return { host: u.hostname, port: Number(u.port || defaults[u.protocol] || 0) };
}
