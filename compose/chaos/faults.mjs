// Request plans and verdicts for compose/chaos/run.sh. Node 20+, no packages.
//
//   node faults.mjs plan <kind> <spec.json> key=value...   writes a load.mjs spec
//   node faults.mjs row <label> <result.json> key=value...  prints one table row, exit 1 on a failed criterion
//   node faults.mjs readback <post|message> <mutations.json> <retries.json> <readback.json> <run>
//                                                           the read-back check of faults 2 and 2b
//
// Criteria passed to `row`: minDataPct=<n> (share of requests answered with data),
// maxUnanswered=<n>, maxLatencyMs=<n> (every answer, data or error, within it),
// errorsOnly=true (every request must be answered with an error: the broker-down phase),
// errorCodes=<A,B> (every error has one of these codes), minErrors=<n> (the fault must show),
// lostCodes=<A,B> (errors with these codes count as lost, not as errors: a request the bus never
// answered, e.g. UPSTREAM_TIMEOUT while its bridge was killed, is what redelivery must prevent),
// maxLost=<n> (default 0; unanswered requests count as lost too).
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const URL_FRONT = 'http://127.0.0.1:8080/graphql';
/** The local stack's token signing key (compose/local-stack.sh makes it). */
const SIGNING_KEY = new URL('../../target/local-stack/signing-key', import.meta.url);

/**
 * A token `./compose/local-stack.sh token <id>` printed (its file in CHAOS_TOKEN_TEMPLATE): the
 * header and claims every other token copies, so that they carry whatever the gateways check
 * (issuer, audience) besides the subject and the validity.
 */
const TEMPLATE = process.env.CHAOS_TOKEN_TEMPLATE
	? readFileSync(process.env.CHAOS_TOKEN_TEMPLATE, 'utf8').trim().split('.').slice(0, 2)
		.map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')))
	: [{ alg: 'HS256', typ: 'JWT' }, {}];

/**
 * The Authorization header of a user: a JWT (HS256) signed with the local stack's key, valid for
 * an hour, as `./compose/local-stack.sh token <userId>` would print it.
 */
function bearer(userId) {
	const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const now = Math.floor(Date.now() / 1000);
	const [header, claims] = TEMPLATE;
	const unsigned = `${part(header)}.${part({ ...claims, sub: userId, iat: now, exp: now + 3600 })}`;
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

/** Mutations per run and operation: each one is sent by a user of its own. */
const MAX_MUTATIONS = 1000;

/** The author of post i (8000..8999): the caller, the token's subject. */
const authorOf = (i) => `${8000 + i}`;

/** The sender of message i (6000..6999): the caller, the token's subject. */
const senderOf = (i) => `${6000 + i}`;

/** The recipient of message i: 10 recipients, 9980..9989, each reads its inbox back. */
const RECIPIENTS = 10;
const recipientOf = (i) => `${9980 + (i % RECIPIENTS)}`;

const keyOf = (run, i) => `chaos-${run}-${i}`;
const indexOf = (key) => Number(key.split('-').pop());

const mutations = {
	post: (run, i) => ({
		id: keyOf(run, i),
		query: 'mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }',
		variables: { input: { title: keyOf(run, i), body: `chaos run ${run}`, idempotencyKey: keyOf(run, i) } },
		authorization: bearer(authorOf(i)),
	}),
	message: (run, i) => ({
		id: keyOf(run, i),
		query: 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id body } }',
		variables: { input: { toUserId: recipientOf(i), body: keyOf(run, i), idempotencyKey: keyOf(run, i) } },
		authorization: bearer(senderOf(i)),
	}),
};

/** The id a mutation's answer gave the stored item. */
const ackedId = { post: (data) => data.createPost.id, message: (data) => data.sendMessage.id };

function plan(kind, file, o) {
	const count = Number(o.count ?? 100);
	const spec = {
		url: o.url ?? URL_FRONT,
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
	} else if (kind === 'inbox-reads') {
		// message.inbox requests are keyed by correlation id, so they reach every message.requests
		// partition; each asks for the caller's own inbox.
		for (let i = 0; i < count; i++) {
			const user = `${1 + ((offset + i) % 1000)}`;
			spec.requests.push({ id: `i${offset + i}`, query: `{ getUser(id:"${user}") { inbox(first: 1) { body } } }`,
				authorization: bearer(user) });
		}
	} else if (kind === 'mutations') {
		if (count > MAX_MUTATIONS) throw new Error(`at most ${MAX_MUTATIONS} mutations, each by a user of its own`);
		for (let i = 0; i < count; i++) spec.requests.push(mutations[o.op](o.run, i));
	} else if (kind === 'retry-failed') {
		// Every mutation of an earlier result that got no data, again with the same key and caller.
		const earlier = JSON.parse(readFileSync(o.from, 'utf8'));
		for (const r of earlier.requests) {
			if (r.outcome !== 'data') spec.requests.push(mutations[o.op](o.run, indexOf(r.id)));
		}
	} else if (kind === 'readback' && o.op === 'post') {
		// Each author's own posts (post.listByAuthor), one query per author.
		for (let i = 0; i < count; i++) {
			spec.requests.push({
				id: `author-${authorOf(i)}`,
				query: `{ getUser(id:"${authorOf(i)}") { id posts(first: 20) { id title author { id } } } }`,
			});
		}
	} else if (kind === 'readback' && o.op === 'message') {
		// Each recipient's inbox, with the recipient's own token (nobody else may read it).
		for (let r = 0; r < Math.min(count, RECIPIENTS); r++) {
			const user = recipientOf(r);
			spec.requests.push({
				id: `inbox-${user}`,
				query: `{ getUser(id:"${user}") { id inbox(first: 100) { id body from { id } to { id } } } }`,
				authorization: bearer(user),
			});
		}
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
	const lostCodes = new Set(o.lostCodes ? o.lostCodes.split(',') : []);
	const data = rs.filter((r) => r.outcome === 'data');
	const lostErrors = rs.filter((r) => r.outcome === 'error' && lostCodes.has(r.code));
	const errors = rs.filter((r) => r.outcome === 'error' && !lostCodes.has(r.code));
	const unanswered = rs.filter((r) => r.outcome === 'unanswered');
	const lost = lostErrors.length + unanswered.length;
	const retried = rs.filter((r) => r.attempts > 1).length;
	const answered = rs.filter((r) => r.outcome !== 'unanswered');
	const latencies = answered.map((r) => r.latencyMs);
	const errorLatencies = errors.map((r) => r.latencyMs);
	const failures = [];
	const maxUnanswered = Number(o.maxUnanswered ?? 0);
	if (unanswered.length > maxUnanswered) failures.push(`${unanswered.length} unanswered`);
	if (o.lostCodes && lost > Number(o.maxLost ?? 0)) failures.push(`${lost} lost`);
	// No requests (nothing to retry): nothing to miss.
	if (o.minDataPct && rs.length > 0 && pct(data.length, rs.length) < Number(o.minDataPct)) {
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
		o.lostCodes ? lost : '-',
		o.duplicates ?? '-',
		retried || '-',
		`${quantile(latencies, 0.5)}/${quantile(latencies, 0.99)}/${Math.max(0, ...latencies)}`,
		errors.length ? `${Math.max(0, ...errorLatencies)}` : '-',
		codes([...errors, ...lostErrors, ...unanswered]),
		failures.length ? `FAIL (${failures.join('; ')})` : 'ok',
	];
	console.log(`| ${cells.join(' | ')} |`);
	process.exitCode = failures.length ? 1 : 0;
}

/**
 * The stored items of a read-back, each with the caller it must belong to: posts under the
 * author they were listed for, messages in the inbox of their recipient.
 */
function storedItems(op, readback, run) {
	const items = [];
	for (const r of readback) {
		const user = r.data.getUser;
		if (op === 'post') {
			for (const post of user?.posts ?? []) {
				if (!post.title.startsWith(`chaos-${run}-`)) continue;
				const i = indexOf(post.title);
				items.push({ key: post.title, id: post.id,
					owned: post.author.id === authorOf(i) && user.id === authorOf(i) });
			}
		} else {
			for (const message of user?.inbox ?? []) {
				if (!message.body.startsWith(`chaos-${run}-`)) continue;
				const i = indexOf(message.body);
				items.push({ key: message.body, id: message.id,
					owned: message.from.id === senderOf(i) && message.to.id === recipientOf(i) && user.id === recipientOf(i) });
			}
		}
	}
	return items;
}

/**
 * The verdict of faults 2 and 2b: the items per idempotency key, read back per caller. A key
 * stored twice is a duplicate; a key acknowledged to the client (data, first try or retry) whose
 * item is missing is a lost write; an acknowledged id that differs from the stored one is a
 * mismatch; an item that is not its caller's (another author, sender or recipient) is foreign.
 */
function readbackVerdict(op, mutationsFile, retriesFile, readbackFile, run) {
	const first = JSON.parse(readFileSync(mutationsFile, 'utf8')).requests;
	const second = JSON.parse(readFileSync(retriesFile, 'utf8')).requests;
	const readback = JSON.parse(readFileSync(readbackFile, 'utf8')).requests;
	const failed = readback.filter((r) => r.outcome !== 'data');
	if (failed.length > 0) {
		console.log(JSON.stringify({ readBackFailed: failed.length, codes: codes(failed) }));
		process.exitCode = 1;
		return;
	}
	const items = storedItems(op, readback, run);
	const byKey = new Map();
	for (const item of items) {
		if (!byKey.has(item.key)) byKey.set(item.key, []);
		byKey.get(item.key).push(item.id);
	}
	const acked = new Map();
	for (const r of [...first, ...second]) {
		if (r.outcome === 'data') acked.set(r.id, ackedId[op](r.data));
	}
	const keys = first.map((r) => r.id);
	const duplicates = keys.filter((k) => (byKey.get(k)?.length ?? 0) > 1);
	const lost = [...acked.keys()].filter((k) => !byKey.has(k));
	const mismatched = [...acked.entries()].filter(([k, id]) => byKey.has(k) && !byKey.get(k).includes(id));
	const foreign = items.filter((item) => !item.owned).map((item) => item.key);
	const neverAcked = keys.filter((k) => !acked.has(k));
	const summary = {
		keys: keys.length,
		stored: keys.filter((k) => byKey.has(k)).length,
		acknowledged: acked.size,
		duplicates: duplicates.length,
		lost: lost.length,
		mismatched: mismatched.length,
		foreign: foreign.length,
		neverAcknowledged: neverAcked.length,
		neverAcknowledgedButStored: neverAcked.filter((k) => byKey.has(k)).length,
	};
	writeFileSync(`${mutationsFile}.verdict.json`, JSON.stringify({ summary, duplicates, lost, mismatched, foreign, neverAcked }));
	console.log(JSON.stringify(summary));
	process.exitCode = duplicates.length || lost.length || mismatched.length || foreign.length ? 1 : 0;
}

if (command === 'plan') plan(rest[0], rest[1], options(rest.slice(2)));
else if (command === 'row') row(rest[0], rest[1], options(rest.slice(2)));
else if (command === 'readback') readbackVerdict(rest[0], rest[1], rest[2], rest[3], rest[4]);
else {
	console.error('usage: faults.mjs plan|row|readback ...');
	process.exit(2);
}
