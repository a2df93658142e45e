// Bounded GraphQL load against 127.0.0.1 for compose/chaos/run.sh. Node 20+, built-in fetch only.
//
// Usage: node load.mjs <spec.json> <result.json>
//
// spec: {
//   url,                  GraphQL endpoint (must be on 127.0.0.1)
//   requests: [{ id, query, variables?, authorization? }],   one entry per request, sent in order
//                         (authorization: the value of its Authorization header, a bearer token)
//   concurrency,          requests in flight at once
//   timeoutMs,            client timeout of every attempt
//   retries,              extra attempts for a request that got no data (0 = none)
//   retryDelayMs,         pause before a retry
//   signalAt?: { sent, pid, signal },  send this signal to pid once `sent` requests have started
//   spacingMs?            minimum gap between request starts (paces a slow trickle)
// }
//
// result: { attempts: [...], requests: [{ id, outcome, attempts, latencyMs, code, data }],
//           signalledAtMs, signalError } where outcome is "data", "error" (an answer without data: GraphQL
// errors, or an HTTP error status) or "unanswered" (client timeout or connection failure);
// signalError is null when the signal was delivered (the runner checks that its process is gone).
import { readFileSync, writeFileSync } from 'node:fs';

const [specFile, resultFile] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const url = new URL(spec.url);
if (url.hostname !== '127.0.0.1') {
	throw new Error(`refusing to send traffic anywhere but 127.0.0.1: ${spec.url}`);
}
const requests = spec.requests;
const concurrency = Math.max(1, spec.concurrency ?? 10);
const timeoutMs = spec.timeoutMs ?? 10_000;
const retries = spec.retries ?? 0;
const retryDelayMs = spec.retryDelayMs ?? 200;
const started = Date.now();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP attempt; never throws. */
async function attempt(request) {
	const t0 = Date.now();
	try {
		const response = await fetch(spec.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json',
				...(request.authorization ? { authorization: request.authorization } : {}),
			},
			body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		const latencyMs = Date.now() - t0;
		let body = null;
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON (HAProxy's 502 page; its 503 is a GraphQL error)
		}
		const errors = body?.errors ?? [];
		const data = body?.data ?? null;
		const hasData = response.ok && errors.length === 0 && data !== null &&
			Object.values(data).every((value) => value !== null);
		const code = hasData ? null
			: errors.map((e) => e?.extensions?.code ?? e?.extensions?.classification ?? 'GRAPHQL_ERROR')[0] ??
				`HTTP_${response.status}`;
		return { outcome: hasData ? 'data' : 'error', latencyMs, code, status: response.status, data };
	} catch (error) {
		const cause = error?.cause?.code ?? error?.name ?? 'ERROR';
		return { outcome: 'unanswered', latencyMs: Date.now() - t0, code: cause, status: 0, data: null };
	}
}

const results = new Array(requests.length);
const attempts = [];
let next = 0;
let signalledAtMs = null;
let signalError = null;
let lastStart = 0;

async function worker() {
	while (next < requests.length) {
		const index = next++;
		if (spec.spacingMs) {
			const wait = lastStart + spec.spacingMs - Date.now();
			lastStart = Math.max(Date.now(), lastStart + spec.spacingMs);
			if (wait > 0) await sleep(wait);
		}
		if (spec.signalAt && signalledAtMs === null && index >= spec.signalAt.sent) {
			signalledAtMs = Date.now() - started;
			try {
				process.kill(spec.signalAt.pid, spec.signalAt.signal);
			} catch (error) {
				signalError = String(error);
				process.stderr.write(`signal ${spec.signalAt.signal} to ${spec.signalAt.pid} failed: ${error}\n`);
			}
		}
		const request = requests[index];
		let result;
		let n = 0;
		do {
			if (n > 0) await sleep(retryDelayMs);
			const startMs = Date.now() - started;
			result = await attempt(request);
			attempts.push({ id: request.id, n, startMs, ...result, data: undefined });
			n++;
		} while (result.outcome !== 'data' && n <= retries);
		results[index] = { id: request.id, attempts: n, ...result };
	}
}

await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
writeFileSync(resultFile, JSON.stringify({ attempts, requests: results, signalledAtMs, signalError, elapsedMs: Date.now() - started }));
