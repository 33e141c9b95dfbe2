/* The socket table (include/bpfvm/sockets.h): the text form, the checks of
 * bpfvm_sockets_add, and the lookup order (exact 4-tuple, bound address,
 * wildcard) for IPv4 and IPv6, TCP and UDP. The programs' view of what a
 * lookup returns is compared with Linux in tests/cli/run_sk_lookup.sh. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "bpfvm/error.h"
#include "bpfvm/sockets.h"
#include "hooks/sockets.h"
#include "test.h"

static const struct bpfvm_uapi_bpf_sock *find(const struct bpfvm_sockets *s, int family,
					      int proto, const char *src, uint16_t sport,
					      const char *dst, uint16_t dport)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };

	inet_pton(family, src, a);
	inet_pton(family, dst, b);
	return bpfvm_sockets_lookup(s, family, proto, a, htons(sport), b, htons(dport));
}

int main(void)
{
	struct bpfvm_sockets *s;
	const struct bpfvm_uapi_bpf_sock *k;

	CHECK(bpfvm_sockets_new(&s) == 0);
	CHECK(bpfvm_sockets_parse(s,
				  "tcp listen [::]:80\n"
				  "tcp listen [2001:db8::1]:80 priority 3\n"
				  "tcp established [2001:db8::1]:80 [2001:db8::9]:5000\n"
				  "udp 10.0.0.1:53\n"
				  "udp 0.0.0.0:53 # wildcard\n"
				  "udp 10.0.0.1:53 10.0.0.7:999\n",
				  "t") == 0);
	k = find(s, AF_INET6, IPPROTO_TCP, "2001:db8::9", 5000, "2001:db8::1", 80);
	CHECK(k && k->state == 1 && k->dst_port == htons(5000) && k->src_port == 80);
	k = find(s, AF_INET6, IPPROTO_TCP, "2001:db8::8", 5000, "2001:db8::1", 80);
	CHECK(k && k->state == 10 && k->priority == 3);
	k = find(s, AF_INET6, IPPROTO_TCP, "2001:db8::8", 5000, "2001:db8::2", 80);
	CHECK(k && k->state == 10 && k->priority == 0 && k->family == AF_INET6);
	CHECK(!find(s, AF_INET6, IPPROTO_TCP, "2001:db8::8", 5000, "2001:db8::2", 81));
	CHECK(!find(s, AF_INET, IPPROTO_TCP, "10.0.0.7", 5000, "10.0.0.1", 80));
	k = find(s, AF_INET, IPPROTO_UDP, "10.0.0.7", 999, "10.0.0.1", 53);
	CHECK(k && k->state == 1 && k->type == SOCK_DGRAM);
	k = find(s, AF_INET, IPPROTO_UDP, "10.0.0.8", 999, "10.0.0.1", 53);
	CHECK(k && k->state == 7 && k->src_ip4 != 0);
	k = find(s, AF_INET, IPPROTO_UDP, "10.0.0.8", 999, "10.0.0.2", 53);
	CHECK(k && k->state == 7 && k->src_ip4 == 0);
	CHECK(bpfvm_sockets_parse(s, "udp 0.0.0.0:53\n", "t") < 0);
	CHECK(strstr(bpfvm_last_error(), "t:1") != NULL);
	CHECK(bpfvm_sockets_parse(s, "tcp established 0.0.0.0:1 10.0.0.1:2\n", "t") < 0);
	CHECK(bpfvm_sockets_parse(s, "tcp listen 10.0.0.1:80 [::1]:2\n", "t") < 0);
	CHECK(bpfvm_sockets_parse(s, "tcp established 10.0.0.1:80 [::1]:2\n", "t") < 0);
	CHECK(bpfvm_sockets_parse(s, "sctp 10.0.0.1:80\n", "t") < 0);
	CHECK(!bpfvm_sockets_lookup(NULL, AF_INET, IPPROTO_TCP, (const uint8_t *)"1234", 1,
				    (const uint8_t *)"1234", 1));
	bpfvm_sockets_free(s);
	return test_exit();
}
