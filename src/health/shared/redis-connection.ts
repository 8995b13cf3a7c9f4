// The ioredis connections shared health uses, set up so that Redis can never hold up the request
// path: commands fail at once while disconnected instead of queueing (enableOfflineQueue: false),
// commands in flight when a connection drops are failed rather than resent later (their information
// is stale by then), and reconnection goes on in the background for as long as it takes.
import { Redis } from 'ioredis';

/** Reconnection delay: quick at first (a Redis restart), then every 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * attempt, 2_000);
}

/** `name` shows in CLIENT LIST, so an operator can tell which replica holds which connection. */
export function openRedisConnection(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name.replace(/[^\w.:-]/g, '_'),
    // No I/O in constructors: start() connects.
    lazyConnect: true,
    enableOfflineQueue: false,
    // The share resubscribes and re-reads the stored states itself after every reconnection.
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // An unreachable host must not keep start() waiting long, nor a hung server keep commands pending.
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: reconnectDelayMs,
    // How long disconnect() waits for a graceful close before destroying the socket. ioredis arms this
    // timer even for a socket that is already gone (closing during an outage): keep it from outliving close().
    disconnectTimeout: 0,
  });
}

/** Ends a connection and its reconnection timer; resolves once its socket is closed. */
export async function closeRedisConnection(connection: Redis): Promise<void> {
  // Only a connection with a socket emits 'end' after disconnect(); one waiting to reconnect has no
  // socket, and disconnect() just cancels its timer.
  if (connection.status === 'end') return;
  const hasSocket =
    connection.status === 'connecting' || connection.status === 'connect' || connection.status === 'ready';
  const ended = hasSocket ? new Promise<void>((resolve) => connection.once('end', () => resolve())) : Promise.resolve();
  connection.disconnect();
  await ended;
  // Let the disconnect timer (0 ms, armed just before this one) fire, so nothing outlives close().
  await new Promise((resolve) => setTimeout(resolve, 0));
}
