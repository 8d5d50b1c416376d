// The workers' side of the lab namespaces (test/net/namespace.mjs is the runners'): a module of
// its own, with no exit or signal handlers, since a worker has its own.
import { execFileSync } from 'node:child_process';

/**
 * A worker's guard: it runs only inside the namespace its runner made for it (LAB_NS), which
 * `ip netns identify` must name as this process's own, so that nothing it does (nft rules, a
 * server's ports) reaches the machine's own network. Exits otherwise.
 */
export function requireOwnNamespace(worker, runner) {
  let inside = '';
  try {
    inside = execFileSync('ip', ['netns', 'identify', String(process.pid)]).toString().trim();
  } catch (e) { /* not in a namespace */ }
  if (!process.env.LAB_NS || inside !== process.env.LAB_NS) {
    console.error(`${worker} runs only inside its lab network namespace (${runner} makes it); here: "${inside}"`);
    process.exit(2);
  }
}
