/**
 * The drill's bounded load, run in a child process (`load-process.ts`) so that the clients' work
 * (sending, reading and parsing answers) does not share the gateway's event loop and inflate the
 * latencies it measures. `startLoad` starts it; `stop()` tells it to send nothing new; `done`
 * gives every sample once the requests in flight have ended.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { OperationName } from './operations.ts';

export type OperationKind = 'healthy' | 'faulty';
export type Outcome = 'ok' | 'partial' | 'failed';

export interface Sample {
  kind: OperationKind;
  /** When the request was sent and when its answer had been read (`clock()`, epoch ms). */
  start: number;
  end: number;
  outcome: Outcome;
  /** `extensions.code` of each error (`NO_CODE` when it has none; `CLIENT_<name>` when the request failed). */
  codes: string[];
}

export interface LoadOptions {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** One per client; each loops on its operation. */
  clients: ReadonlyArray<{ kind: OperationKind; operation: OperationName }>;
  /**
   * Requests sent at a fixed rate however long the answers take (open loop, as new users keep
   * coming), with at most `maxInFlight` at once.
   */
  arrivals?: { kind: OperationKind; operation: OperationName; perSecond: number; maxInFlight: number };
  /** Milliseconds of load before the measured one (its samples are dropped). */
  warmUp: number;
  /** Hard time cap, milliseconds from the start (`stop()` normally comes first). */
  maxDuration: number;
  maxRequests: number;
  /** A client gives up on one request after this. */
  requestTimeout: number;
}

export interface Load {
  /** Resolves once the load process has warmed up and started the measured load. */
  started: Promise<void>;
  /** Clients send no new request; those in flight finish. */
  stop(): void;
  /** Every sample, once every client has stopped. */
  done: Promise<Sample[]>;
}

/** Messages from the load process. */
export type LoadMessage = { type: 'started' } | { type: 'samples'; samples: Sample[] };

const PROCESS = new URL('./load-process.ts', import.meta.url);

export function startLoad(options: LoadOptions): Load {
  const child: ChildProcess = fork(PROCESS, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const done = new Promise<Sample[]>((resolve, reject) => {
    let samples: Sample[] | undefined;
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'started') markStarted();
      else samples = message.samples;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      markStarted();
      if (samples) resolve(samples);
      else reject(new Error(`the load process exited with code ${code} and no samples`));
    });
  });
  child.send(options);
  return {
    started,
    stop: () => {
      if (child.connected) child.send('stop');
    },
    done,
  };
}
