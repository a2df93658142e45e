package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Which address is the client's, for which peers and headers. */
class ClientAddressesTests {

	private final ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "192.0.2.10", "::1"));

	@Test
	void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeadersSay() {
		ClientAddresses none = new ClientAddresses(List.of());

		assertThat(none.clientOf(peer("10.1.2.3"), forwardedFor("203.0.113.1"))).isEqualTo("10.1.2.3");
		assertThat(none.clientOf(peer("127.0.0.1"), forwardedFor("203.0.113.1"))).isEqualTo("127.0.0.1");
	}

	@Test
	void untrustedPeerIsTheClient() {
		assertThat(this.addresses.clientOf(peer("198.51.100.4"), forwardedFor("203.0.113.1")))
			.isEqualTo("198.51.100.4");
	}

	@Test
	void trustedPeerNamesTheClientInItsEntryTheLast() {
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("203.0.113.1"))).isEqualTo("203.0.113.1");
		// What the client wrote itself is left of the proxy's entry, and never read.
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("1.1.1.1, 2.2.2.2, 203.0.113.1")))
			.isEqualTo("203.0.113.1");
		// Several header lines are one list, in order.
		HttpHeaders lines = new HttpHeaders();
		lines.add("X-Forwarded-For", "1.1.1.1");
		lines.add("X-Forwarded-For", "203.0.113.2");
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), lines)).isEqualTo("203.0.113.2");
	}

	@Test
	void chainOfTrustedProxiesIsWalkedToTheFirstUntrustedAddress() {
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("1.1.1.1, 203.0.113.1, 192.0.2.10, 10.9.9.9")))
			.isEqualTo("203.0.113.1");
		// Only proxies: the farthest one is the client.
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("10.8.8.8, 10.9.9.9"))).isEqualTo("10.8.8.8");
	}

	@Test
	void entriesWithPortsAndIpv6() {
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("203.0.113.1:4711"))).isEqualTo("203.0.113.1");
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("[2001:db8::7]:4711")))
			.isEqualTo("2001:db8:0:0:0:0:0:7");
		assertThat(this.addresses.clientOf(peer("::1"), forwardedFor("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
	}

	@Test
	void entryThatIsNoAddressEndsTheWalkAtTheProxyThatWroteIt() {
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("203.0.113.1, unknown"))).isEqualTo("10.1.2.3");
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("999.1.1.1"))).isEqualTo("10.1.2.3");
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), forwardedFor("evil.example"))).isEqualTo("10.1.2.3");
	}

	@Test
	void forwardedHeaderIsNotRead() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Forwarded", "for=203.0.113.1");
		assertThat(this.addresses.clientOf(peer("10.1.2.3"), headers)).isEqualTo("10.1.2.3");
	}

	@Test
	void hostNamesAreNotProxies() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddresses(List.of("haproxy")))
			.withMessageContaining("'haproxy' is not an IP address or CIDR range");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddresses(List.of("localhost/8")));
	}

	private static InetSocketAddress peer(String address) {
		return new InetSocketAddress(address, 40_000);
	}

	private static HttpHeaders forwardedFor(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Forwarded-For", value);
		return headers;
	}

}
