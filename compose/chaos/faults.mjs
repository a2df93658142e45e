// Request plans and verdicts for compose/chaos/run.sh. Node 20+, no packages.
//
//   node faults.mjs plan <kind> <spec.json> key=value...   writes a load.mjs spec
//   node faults.mjs row <label> <result.json> key=value...  prints one table row, exit 1 on a failed criterion
//   node faults.mjs posts <mutations.json> <retries.json> <authors.json> <run>   the duplicate check of fault 2
//
// Criteria passed to `row`: minDataPct=<n> (share of requests answered with data),
// maxUnanswered=<n>, maxLatencyMs=<n> (every answer, data or error, within it),
// errorsOnly=true (every request must be answered with an error: the broker-down phase),
// errorCodes=<A,B> (every error has one of these codes), minErrors=<n> (the fault must show).
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const URL_FRONT = 'http://127.0.0.1:8080/graphql';
/** The local stack's token signing key (compose/local-stack.sh makes it). */
const SIGNING_KEY = new URL('../../target/local-stack/signing-key', import.meta.url);

/**
 * The Authorization header of a user: a JWT (HS256) signed with the local stack's key, from the
 * issuer and for the audience the local stack's gateways expect, valid for an hour, as
 * `./compose/local-stack.sh token <userId>` would print it.
 */
function bearer(userId) {
	const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const now = Math.floor(Date.now() / 1000);
	const claims = { sub: userId, iss: 'busgate-local', aud: 'busgate', iat: now, exp: now + 3600 };
	const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
	const signature = createHmac('sha256', readFileSync(SIGNING_KEY, 'utf8')).update(unsigned).digest('base64url');
	return `Bearer ${unsigned}.${signature}`;
}
const [command, ...rest] = process.argv.slice(2);

function options(list) {
	return Object.fromEntries(list.map((item) => {
		const at = item.indexOf('=');
		return [item.slice(0, at), item.slice(at + 1)];
	}));
}

const getUser = (i) => ({ id: `q${i}`, query: `{ getUser(id:"${1 + (i % 10000)}") { id name } }` });

/** The author of mutation i: 10 authors, 9990..9999, so each author gets 1 of 10 mutations. */
const authorOf = (i) => `${9990 + (i % 10)}`;

function createPost(run, i) {
	const key = `chaos-${run}-${i}`;
	return {
		id: key,
		query: 'mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }',
		// The author is the caller: the token's subject.
		variables: { input: { title: key, body: `chaos run ${run}`, idempotencyKey: key } },
		authorization: bearer(authorOf(i)),
	};
}

function plan(kind, file, o) {
	const count = Number(o.count ?? 100);
	const spec = {
		url: URL_FRONT,
		concurrency: Number(o.concurrency ?? 10),
		timeoutMs: Number(o.timeoutMs ?? 10_000),
		retries: Number(o.retries ?? 0),
		retryDelayMs: Number(o.retryDelayMs ?? 200),
		requests: [],
	};
	if (o.spacingMs) spec.spacingMs = Number(o.spacingMs);
	if (o.signalPid) spec.signalAt = { sent: Number(o.signalAfter ?? 0), pid: Number(o.signalPid), signal: o.signal ?? 'SIGKILL' };
	const offset = Number(o.offset ?? 0);
	if (kind === 'queries') {
		for (let i = 0; i < count; i++) spec.requests.push(getUser(offset + i));
	} else if (kind === 'post-reads') {
		// post.getPosts requests are keyed by correlation id, so they reach every post.requests partition.
		for (let i = 0; i < count; i++) {
			spec.requests.push({ id: `p${offset + i}`, query: `{ post(id:"${1 + ((offset + i) % 1000)}") { id title } }` });
		}
	} else if (kind === 'all-services') {
		// One user over HTTP, their posts over gRPC and their inbox over Thrift, as that user (an
		// inbox is only for its owner).
		for (let i = 0; i < count; i++) {
			const user = `${1 + ((offset + i) % 1000)}`;
			spec.requests.push({
				id: `a${offset + i}`,
				query: `{ getUser(id:"${user}") { name posts(first: 1) { title } inbox(first: 1) { body } } }`,
				authorization: bearer(user),
			});
		}
	} else if (kind === 'mutations') {
		for (let i = 0; i < count; i++) spec.requests.push(createPost(o.run, i));
	} else if (kind === 'retry-failed') {
		// Every mutation of an earlier result that got no data, again with the same key.
		const earlier = JSON.parse(readFileSync(o.from, 'utf8'));
		for (const r of earlier.requests) {
			if (r.outcome !== 'data') spec.requests.push(createPost(o.run, Number(r.id.split('-').pop())));
		}
	} else if (kind === 'authors') {
		const ids = Array.from({ length: 10 }, (_, i) => authorOf(i));
		spec.requests.push({
			id: 'authors',
			query: `{ users(ids: ${JSON.stringify(ids)}) { id posts(first: 100) { id title } } }`,
		});
	} else {
		throw new Error(`unknown plan ${kind}`);
	}
	writeFileSync(file, JSON.stringify(spec));
}

const pct = (n, d) => (d === 0 ? 0 : (100 * n) / d);

function codes(list) {
	const counts = {};
	for (const r of list) counts[r.code] = (counts[r.code] ?? 0) + 1;
	return Object.entries(counts).map(([code, n]) => `${code}:${n}`).join(' ') || '-';
}

function quantile(values, q) {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function row(label, file, o) {
	const result = JSON.parse(readFileSync(file, 'utf8'));
	const rs = result.requests;
	const data = rs.filter((r) => r.outcome === 'data');
	const errors = rs.filter((r) => r.outcome === 'error');
	const unanswered = rs.filter((r) => r.outcome === 'unanswered');
	const retried = rs.filter((r) => r.attempts > 1).length;
	const answered = rs.filter((r) => r.outcome !== 'unanswered');
	const latencies = answered.map((r) => r.latencyMs);
	const errorLatencies = errors.map((r) => r.latencyMs);
	const failures = [];
	const maxUnanswered = Number(o.maxUnanswered ?? 0);
	if (unanswered.length > maxUnanswered) failures.push(`${unanswered.length} unanswered`);
	if (o.minDataPct && pct(data.length, rs.length) < Number(o.minDataPct)) {
		failures.push(`${pct(data.length, rs.length).toFixed(1)}% data < ${o.minDataPct}%`);
	}
	if (o.maxLatencyMs) {
		const slow = answered.filter((r) => r.latencyMs > Number(o.maxLatencyMs)).length;
		if (slow > 0) failures.push(`${slow} answered after ${o.maxLatencyMs} ms`);
	}
	if (o.errorsOnly === 'true' && data.length > 0) failures.push(`${data.length} got data while the fault held`);
	if (o.errorCodes) {
		const allowed = new Set(o.errorCodes.split(','));
		const other = errors.filter((r) => !allowed.has(r.code)).length;
		if (other > 0) failures.push(`${other} errors not ${o.errorCodes}`);
	}
	if (o.minErrors && errors.length < Number(o.minErrors)) failures.push(`${errors.length} errors < ${o.minErrors}`);
	const cells = [
		label,
		rs.length,
		data.length,
		errors.length,
		unanswered.length,
		o.duplicates ?? '-',
		retried || '-',
		`${quantile(latencies, 0.5)}/${quantile(latencies, 0.99)}/${Math.max(0, ...latencies)}`,
		errors.length ? `${Math.max(0, ...errorLatencies)}` : '-',
		codes([...errors, ...unanswered]),
		failures.length ? `FAIL (${failures.join('; ')})` : 'ok',
	];
	console.log(`| ${cells.join(' | ')} |`);
	process.exitCode = failures.length ? 1 : 0;
}

/**
 * Fault 2's verdict: the posts per idempotency key, read back from the 10 authors. A key created
 * twice is a duplicate; a key acknowledged to the client (data, first try or retry) whose post is
 * missing is a lost write; an acknowledged id that differs from the stored one is a mismatch.
 */
function posts(mutationsFile, retriesFile, authorsFile, run) {
	const first = JSON.parse(readFileSync(mutationsFile, 'utf8')).requests;
	const second = JSON.parse(readFileSync(retriesFile, 'utf8')).requests;
	const authors = JSON.parse(readFileSync(authorsFile, 'utf8')).requests[0];
	if (authors.outcome !== 'data') {
		console.log(`read-back of the posts failed: ${authors.code}`);
		process.exitCode = 1;
		return;
	}
	const byKey = new Map();
	for (const user of authors.data.users) {
		for (const post of user?.posts ?? []) {
			if (!post.title.startsWith(`chaos-${run}-`)) continue;
			if (!byKey.has(post.title)) byKey.set(post.title, []);
			byKey.get(post.title).push(post.id);
		}
	}
	const acked = new Map();
	for (const r of [...first, ...second]) {
		if (r.outcome === 'data') acked.set(r.id, r.data.createPost.id);
	}
	const keys = first.map((r) => r.id);
	const duplicates = keys.filter((k) => (byKey.get(k)?.length ?? 0) > 1);
	const lost = [...acked.keys()].filter((k) => !byKey.has(k));
	const mismatched = [...acked.entries()].filter(([k, id]) => byKey.has(k) && !byKey.get(k).includes(id));
	const neverAcked = keys.filter((k) => !acked.has(k));
	const neverAckedStored = neverAcked.filter((k) => byKey.has(k)).length;
	const summary = {
		keys: keys.length,
		stored: keys.filter((k) => byKey.has(k)).length,
		acknowledged: acked.size,
		duplicates: duplicates.length,
		lost: lost.length,
		mismatched: mismatched.length,
		neverAcknowledged: neverAcked.length,
		neverAcknowledgedButStored: neverAckedStored,
	};
	writeFileSync(`${mutationsFile}.verdict.json`, JSON.stringify({ summary, duplicates, lost, mismatched, neverAcked }));
	console.log(JSON.stringify(summary));
	process.exitCode = duplicates.length || lost.length || mismatched.length ? 1 : 0;
}

if (command === 'plan') plan(rest[0], rest[1], options(rest.slice(2)));
else if (command === 'row') row(rest[0], rest[1], options(rest.slice(2)));
else if (command === 'posts') posts(rest[0], rest[1], rest[2], rest[3]);
else {
	console.error('usage: faults.mjs plan|row|posts ...');
	process.exit(2);
}
