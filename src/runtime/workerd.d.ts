// The few Workers runtime types the Worker entry uses, declared here instead of pulling
// @cloudflare/workers-types into the whole project, whose globals clash with Node's.

declare module 'cloudflare:workers' {
  export interface DurableObjectStorage {
    sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } };
    transaction<T>(closure: () => Promise<T>): Promise<T>;
    get<T>(key: string): Promise<T | undefined>;
    put<T>(key: string, value: T): Promise<void>;
    getAlarm(): Promise<number | null>;
    setAlarm(scheduledTime: number): Promise<void>;
  }
  export interface DurableObjectState {
    readonly storage: DurableObjectStorage;
    blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

/** The pages' built assets as a module (scripts/build-worker-assets.ts writes it; wrangler.toml aliases it). */
declare module 'virtual:browser-assets' {
  const assets: Record<string, { base64: string; contentType: string }>;
  export default assets;
}
