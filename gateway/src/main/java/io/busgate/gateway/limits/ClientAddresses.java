package io.busgate.gateway.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.netty.util.NetUtil;

import org.springframework.http.HttpHeaders;
import org.springframework.security.util.matcher.InetAddressMatcher;
import org.springframework.security.util.matcher.InetAddressMatchers;

/**
 * Whose request it is, by address: the connection's peer, unless that peer is a trusted proxy.
 * Then the proxy's {@code X-Forwarded-For} is read from its right end, where each trusted proxy
 * appended the address it was connected from, to the first address that is not a trusted proxy:
 * the client. Whatever a client wrote into the header itself lies further left and is never
 * reached; {@code Forwarded} is not read at all. An entry that is not an IP address ends the walk
 * at the proxy that wrote it.
 */
final class ClientAddresses {

	private static final String X_FORWARDED_FOR = "X-Forwarded-For";

	private final InetAddressMatcher trusted;

	/**
	 * @param trustedProxies addresses and CIDR ranges of the proxies to believe
	 * @throws IllegalArgumentException if an entry is not an IP address or range (a host name
	 * would mean a DNS lookup per request)
	 */
	ClientAddresses(List<String> trustedProxies) {
		for (String proxy : trustedProxies) {
			String address = proxy.contains("/") ? proxy.substring(0, proxy.indexOf('/')) : proxy;
			if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
				throw new IllegalArgumentException("busgate.gateway.limits.trusted-proxies: '" + proxy
						+ "' is not an IP address or CIDR range");
			}
		}
		this.trusted = trustedProxies.isEmpty() ? (address) -> false
				: InetAddressMatchers.builder().includeAddresses(trustedProxies).build();
	}

	/**
	 * The client's address.
	 * @param peer the connection's peer, {@code null} if unknown
	 * @param headers the request's (or the WebSocket handshake's) headers
	 * @return the address as text, {@code unknown} without a peer
	 */
	String clientOf(InetSocketAddress peer, HttpHeaders headers) {
		InetAddress hop = (peer != null) ? peer.getAddress() : null;
		if (hop == null) {
			return (peer != null) ? peer.getHostString() : "unknown";
		}
		List<String> forwarded = headers.getValuesAsList(X_FORWARDED_FOR);
		for (int i = forwarded.size() - 1; i >= 0 && this.trusted.matches(hop); i--) {
			InetAddress next = NetUtil.createInetAddressFromIpAddressString(withoutPort(forwarded.get(i)));
			if (next == null) {
				break;
			}
			hop = next;
		}
		return hop.getHostAddress();
	}

	/** {@code 192.0.2.1:1234} and {@code [2001:db8::1]:1234} without their port. */
	private static String withoutPort(String entry) {
		if (entry.startsWith("[")) {
			int end = entry.indexOf(']');
			return (end > 0) ? entry.substring(1, end) : entry;
		}
		int colon = entry.indexOf(':');
		return (colon > 0 && colon == entry.lastIndexOf(':')) ? entry.substring(0, colon) : entry;
	}

}
