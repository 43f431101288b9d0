// The one kafkajs internal the platform touches (see kafka-client.ts): its
// per-connection request queue. kafkajs ships no types for its src/ files.
declare module 'kafkajs/src/network/requestQueue/index.js' {
  import { EventEmitter } from 'node:events';

  interface RequestQueueOptions {
    instrumentationEmitter?: EventEmitter;
    maxInFlightRequests: number | null;
    requestTimeout: number;
    enforceRequestTimeout: boolean;
    clientId: string;
    broker: string;
    logger: { debug(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void; info(...args: unknown[]): void };
    isConnected?: () => boolean;
  }

  interface PushedRequest {
    entry: { correlationId: number; apiKey: number; apiName: string; apiVersion: number; resolve(response: unknown): void; reject(error: Error): void };
    expectResponse: boolean;
    sendRequest(): void;
    requestTimeout?: number;
  }

  export default class RequestQueue extends EventEmitter {
    constructor(options: RequestQueueOptions);
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    push(request: PushedRequest): void;
    fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
    destroy(): void;
  }
}
