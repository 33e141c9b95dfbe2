#!/usr/bin/env python3
"""Writes the demo's packets, one file each, into the directory given, and
prints "FILE<TAB>description" per packet."""
import os
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(proto, vlan=None):
    hdr = bytes.fromhex("020000000002") + bytes.fromhex("020000000001")
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + struct.pack("!H", proto)


def ipv4(proto, payload, src="10.0.0.1", dst="10.0.0.2", options=b""):
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), 1, 0, 64, proto, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split(".")))) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(nexthdr, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nexthdr, 64,
                       bytes.fromhex("fd000000000000000000000000000001"),
                       bytes.fromhex("fd000000000000000000000000000002")) + payload


def udp(dport, payload=b"demo"):
    return struct.pack("!HHHH", 40000, dport, 8 + len(payload), 0) + payload


def tcp(dport):
    return struct.pack("!HHIIBBHHH", 40000, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0)


def icmp_echo():
    body = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


PACKETS = [
    ("dns.bin", "IPv4 UDP 10.0.0.1 -> 10.0.0.2:53", eth(0x0800) + ipv4(17, udp(53))),
    ("telnet.bin", "IPv4 TCP 10.0.0.1 -> 10.0.0.2:23 (blocked port)", eth(0x0800) + ipv4(6, tcp(23))),
    ("vlan_http.bin", "VLAN 42, IPv4 TCP -> :80", eth(0x0800, vlan=42) + ipv4(6, tcp(80))),
    ("options.bin", "IPv4 with 8 bytes of options, UDP -> :9 (blocked port)",
     eth(0x0800) + ipv4(17, udp(9), options=b"\x01" * 8)),
    ("ping.bin", "ICMP echo request 10.0.0.1 -> 10.0.0.2", eth(0x0800) + ipv4(1, icmp_echo())),
    ("ipv6_udp.bin", "IPv6 UDP -> :53", eth(0x86DD) + ipv6(17, udp(53))),
    ("arp.bin", "ARP (not IP)", eth(0x0806) + bytes(28)),
    ("runt.bin", "truncated IPv4 header (runt frame)", eth(0x0800) + bytes(10)),
]

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, desc, data in PACKETS:
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    print("%s\t%s" % (name, desc))
