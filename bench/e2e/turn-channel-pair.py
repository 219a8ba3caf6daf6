#!/usr/bin/env python3
"""Two TURN allocations on one server, each channel-bound to the other's relayed address (the
relayed path of two symmetric NATs: every datagram crosses the relay twice), then exec a program
with both sockets:

  turn-channel-pair.py HOST:PORT USER PASSWORD PROGRAM ARGS...
  turn-channel-pair.py --plain HOST:PORT PROGRAM ARGS...
      no TURN (for bench/e2e/chanfwd.c): each socket sends one datagram to the server, the
      sending socket first
      the arguments "{send}" and "{recv}" become the two sockets' descriptors (the sending one
      connected to the server), "{channel}" the channel number (0x4000 on both)

Uses the NAT lab's udpprobe.py (testkit) for STUN/TURN messages. Allocation and channels live
600 s (no refreshes): runs must be shorter.
"""
import hashlib, os, socket, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../testkit/src/main/resources/jwg/testkit"))
from udpprobe import attr, message, transact, error_of, xaddr, xor_peer, hostport

CHANNEL = 0x4000

def allocate(dest, user, password):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    transport = attr(0x0019, bytes([17, 0, 0, 0]))
    r = transact(s, dest, lambda tid: message(0x0003, tid, [transport]))
    if r is None or r[0] != 0x0113 or error_of(r[2])[0] != 401:
        sys.exit("ERROR expected a 401 challenge")
    realm, nonce = r[2][0x0014], r[2][0x0015]
    key = hashlib.md5(("%s:%s:%s" % (user, realm.decode(), password)).encode()).digest()
    cred = [attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
    r = transact(s, dest, lambda tid: message(0x0003, tid, [transport] + cred, key))
    if r is None or r[0] != 0x0103:
        sys.exit("ERROR %s Allocate" % (error_of(r[2]) if r else "no response"))
    return s, key, cred, hostport(xaddr(r[2][0x0016]))

def bind(s, dest, key, cred, peer):
    ch = attr(0x000C, CHANNEL.to_bytes(2, "big") + b"\0\0")
    r = transact(s, dest, lambda tid: message(0x0009, tid, [ch, xor_peer(*peer)] + cred, key))
    if r is None or r[0] != 0x0109:
        sys.exit("ERROR %s ChannelBind" % (error_of(r[2]) if r else "no response"))

def plain(dest):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for s in (a, b):
        s.bind(("0.0.0.0", 0))
        s.sendto(b"hello", dest)
        time.sleep(0.1)
    return a, b

def main(args):
    if args[0] == "--plain":
        dest = hostport(args[1])
        a, b = plain(dest)
        rest = args[2:]
    else:
        dest, user, password = hostport(args[0]), args[1], args[2]
        a, ka, ca, ra = allocate(dest, user, password)
        b, kb, cb, rb = allocate(dest, user, password)
        bind(a, dest, ka, ca, rb)
        bind(b, dest, kb, cb, ra)
        print("RELAYED %s:%d -> %s:%d" % (ra + rb), flush=True)
        rest = args[3:]
    a.connect(dest)
    a.setblocking(True); b.setblocking(True)
    a.settimeout(None); b.settimeout(None)
    for s in (a, b):
        os.set_inheritable(s.fileno(), True)
    subst = {"{send}": str(a.fileno()), "{recv}": str(b.fileno()), "{channel}": hex(CHANNEL)}
    prog = [subst.get(x, x) for x in rest]
    os.execvp(prog[0], prog)

if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(__doc__); sys.exit(64)
    main(sys.argv[1:])
