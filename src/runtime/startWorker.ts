// Starts a worker thread on a module next to the caller: the compiled JavaScript as it
// is, or, under a TypeScript loader (tests, `npm run cli` through tsx), the .ts file
// through tsx's registration API, since worker threads do not inherit the parent's
// loader on Node 20.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `callerUrl` is the caller's import.meta.url; `name` the module's name without extension. */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const module = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
