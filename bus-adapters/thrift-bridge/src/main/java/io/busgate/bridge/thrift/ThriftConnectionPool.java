package io.busgate.bridge.thrift;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TTransportException;

/**
 * A bounded pool of connections to one backend. A connection goes back to the pool only after
 * a call that left it in a known state (an answer, a declared exception, or a server exception
 * read in full); after anything else, a timeout in particular, it is closed, since an answer
 * may still be on its way.
 *
 * <p>Thread-safe.
 */
final class ThriftConnectionPool implements AutoCloseable {

	private final GenericObjectPool<ThriftConnection> pool;

	private final String address;

	ThriftConnectionPool(String host, int port, Duration connectTimeout, int maxMessageSize, int maxConnections,
			Duration idleTimeout, UnaryOperator<TProtocol> protocols, ThriftWire wire) {
		this.address = host + ":" + port;
		GenericObjectPoolConfig<ThriftConnection> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(maxConnections);
		config.setMaxIdle(maxConnections);
		config.setMinIdle(0);
		config.setBlockWhenExhausted(true);
		config.setTimeBetweenEvictionRuns(idleTimeout.dividedBy(2));
		config.setMinEvictableIdleDuration(idleTimeout);
		// No JMX registration: several pools (tests, apps sharing a JVM) would need unique names.
		config.setJmxEnabled(false);
		this.pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {

			@Override
			public ThriftConnection create() throws TTransportException {
				return ThriftConnection.open(host, port, connectTimeout, maxMessageSize, protocols, wire);
			}

			@Override
			public PooledObject<ThriftConnection> wrap(ThriftConnection connection) {
				return new DefaultPooledObject<>(connection);
			}

			@Override
			public void destroyObject(PooledObject<ThriftConnection> pooled) {
				pooled.getObject().close();
			}

		}, config);
	}

	/** {@code host:port}, for messages. */
	String address() {
		return this.address;
	}

	/**
	 * Makes a call on a pooled connection.
	 *
	 * <p>A connection that served calls before may have been closed by the backend meanwhile
	 * (it restarted, or dropped idle connections). When such a connection fails with a transport
	 * error other than a timeout, the idle connections (likely as stale) are dropped and the call
	 * is made once more on a fresh connection. That repeat is as safe as a redelivered record: the
	 * bus is at-least-once, and mutations carry idempotency keys.
	 * @param timeout how long the whole call may take
	 * @throws NoSuchElementException if no connection became free within the timeout
	 */
	Map<String, Object> call(ThriftConnection.Call call, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (int attempt = 1;; attempt++) {
			Duration left = Duration.ofNanos(deadline - System.nanoTime());
			ThriftConnection connection = borrow(left);
			boolean reused = connection.isReused();
			try {
				Map<String, Object> result = connection.call(call, Duration.ofNanos(deadline - System.nanoTime()));
				this.pool.returnObject(connection);
				return result;
			}
			catch (TApplicationException ex) {
				// Read in full from an exception message: the connection is in step, unless the
				// answer belonged to another call.
				release(connection, ex.getType() != TApplicationException.BAD_SEQUENCE_ID);
				throw ex;
			}
			catch (TException | RuntimeException ex) {
				release(connection, false);
				if (attempt == 1 && reused && isStale(ex)) {
					this.pool.clear();
					continue;
				}
				throw ex;
			}
		}
	}

	private ThriftConnection borrow(Duration maxWait) throws Exception {
		if (maxWait.isNegative() || maxWait.isZero()) {
			throw new NoSuchElementException("the deadline passed before a connection was free");
		}
		return this.pool.borrowObject(maxWait);
	}

	private void release(ThriftConnection connection, boolean reusable) throws Exception {
		if (reusable) {
			this.pool.returnObject(connection);
		}
		else {
			this.pool.invalidateObject(connection);
		}
	}

	/** Whether a failure looks like a connection the backend had closed before the call. */
	private static boolean isStale(Exception ex) {
		return ex instanceof TTransportException transport && !ThriftFailures.isTimeout(transport)
				&& !ThriftFailures.isSizeLimit(transport);
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
