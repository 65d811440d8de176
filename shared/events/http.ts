import { eventToHttpBinary } from './envelope.js';
import { QueueUnavailableError, type Dispatch, type EventBus, type QueueStats } from './bus.js';
import { CONSUMERS, type EventTypeName, type QueueName, type SopilotEvent } from './types.js';

/**
 * Knative broker / OpenFaaS connector transport: publish = HTTP POST in CloudEvents binary mode.
 * Delivery to functions is the platform's job (triggers), so consume() only notes the queues
 * and each event function's container (hosts/function.ts) takes the broker's deliveries on POST /.
 */
export class HttpBrokerBus implements EventBus {
  readonly transport = 'http' as const;
  /** serviceToken: sent as the bearer credential, which event-function containers require. */
  constructor(
    private readonly brokerUrl: string,
    private readonly serviceToken?: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async publish(event: SopilotEvent): Promise<void> {
    const { headers, body } = eventToHttpBinary(event);
    if (this.serviceToken) headers.authorization = `Bearer ${this.serviceToken}`;
    // A URL with {function} is a per-function endpoint (OpenFaaS async-function): one POST per consumer.
    const urls = this.brokerUrl.includes('{function}')
      ? (CONSUMERS[event.type as EventTypeName] ?? []).map((f) => this.brokerUrl.replace('{function}', encodeURIComponent(f)))
      : [this.brokerUrl];
    for (const url of urls) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (e) {
        throw new QueueUnavailableError(`broker ${url} unreachable: ${(e as Error).message}`);
      }
      if (res.status >= 500) throw new QueueUnavailableError(`broker ${url} answered ${res.status} to ${event.type}`);
      if (!res.ok) throw new Error(`broker ${url} answered ${res.status} to ${event.type}`);
    }
  }
  async consume(_queues: readonly QueueName[], _dispatch: Dispatch): Promise<void> {}
  async stats(): Promise<QueueStats[]> {
    return [];
  }
  async ping(): Promise<void> {
    // A broker answers something (even 4xx to a GET); only an unreachable one fails.
    await fetch(this.brokerUrl.replace('{function}', 'embed'), { method: 'GET', signal: AbortSignal.timeout(2000) });
  }
  async idle(): Promise<void> {}
  async close(): Promise<void> {}
}
