#!/usr/bin/env python3
"""Tiny UDP probes for the jwg NAT lab (stdlib only, every wait bounded).

  udpprobe.py binding [--local-port N] HOST:PORT...   one socket, a STUN Binding to each
        prints "MAPPED HOST:PORT -> IP:PORT" per destination; exit 0 if all answered
  udpprobe.py allocate HOST:PORT USER PASSWORD        TURN Allocate (long-term credentials)
        prints "RELAYED IP:PORT MAPPED IP:PORT" (exit 0) or "ERROR code reason" (exit 2)
  udpprobe.py relay HOST:PORT USER PASSWORD PEERIP SECONDS   TURN Allocate + CreatePermission
        for PEERIP; prints "RELAYED IP:PORT", then for SECONDS answers every punch relayed from
        the peer (Data indication) with a punch back (Send indication); exit 0 if any came
  udpprobe.py punch LOCALPORT PEERIP:PORT SECONDS     send to the peer (and to every address a punch
        came from: peer-reflexive) every 100 ms for SECONDS
        prints "RECEIVED n FROM IP:PORT"; exit 0 if anything came from the peer, else 1
"""
import hashlib, hmac, os, socket, struct, sys, time, zlib

MAGIC = 0x2112A442

def hostport(s):
    h, p = s.rsplit(":", 1)
    return (h, int(p))

def attr(t, v):
    pad = (4 - len(v) % 4) % 4
    return struct.pack("!HH", t, len(v)) + v + b"\0" * pad

def message(mtype, tid, attrs, key=None):
    body = b"".join(attrs)
    if key is not None:
        hdr = struct.pack("!HHI", mtype, len(body) + 24, MAGIC) + tid
        mac = hmac.new(key, hdr + body, hashlib.sha1).digest()
        body += attr(0x0008, mac)
    hdr = struct.pack("!HHI", mtype, len(body) + 8, MAGIC) + tid
    crc = (zlib.crc32(hdr + body) ^ 0x5354554E) & 0xFFFFFFFF
    body += attr(0x8028, struct.pack("!I", crc))
    return struct.pack("!HHI", mtype, len(body), MAGIC) + tid + body

def parse(data):
    mtype, length, magic = struct.unpack("!HHI", data[:8])
    tid = data[8:20]
    attrs, i = {}, 20
    while i + 4 <= 20 + length and i + 4 <= len(data):
        t, l = struct.unpack("!HH", data[i:i + 4])
        attrs.setdefault(t, data[i + 4:i + 4 + l])
        i += 4 + l + ((4 - l % 4) % 4)
    return mtype, tid, attrs

def xaddr(v):
    port = struct.unpack("!H", v[2:4])[0] ^ (MAGIC >> 16)
    ip = struct.unpack("!I", v[4:8])[0] ^ MAGIC
    return "%s:%d" % (socket.inet_ntoa(struct.pack("!I", ip)), port)

def transact(sock, dest, build, tries=5, timeout=0.5):
    tid = os.urandom(12)
    msg = build(tid)
    sock.settimeout(timeout)
    for _ in range(tries):
        sock.sendto(msg, dest)
        end = time.time() + timeout
        while time.time() < end:
            try:
                data, src = sock.recvfrom(2048)
            except socket.timeout:
                break
            if len(data) >= 20 and data[8:20] == tid:
                return parse(data)
    return None

def binding(args):
    local = 0
    if args and args[0] == "--local-port":
        local = int(args[1]); args = args[2:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", local))
    ok = True
    for d in args:
        r = transact(s, hostport(d), lambda tid: message(0x0001, tid, []))
        if r is None or 0x0020 not in r[2]:
            print("NORESPONSE %s" % d); ok = False
        else:
            print("MAPPED %s -> %s" % (d, xaddr(r[2][0x0020])))
    sys.stdout.flush()
    return 0 if ok else 1

def error_of(attrs):
    v = attrs.get(0x0009, b"\0\0\0\0")
    return (v[2] & 7) * 100 + v[3], v[4:].decode("utf-8", "replace")

def allocate(args):
    dest, user, password = hostport(args[0]), args[1], args[2]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    transport = attr(0x0019, bytes([17, 0, 0, 0]))
    r = transact(s, dest, lambda tid: message(0x0003, tid, [transport]))
    if r is None:
        print("ERROR 0 no response"); return 2
    if r[0] == 0x0103:
        print("RELAYED %s MAPPED %s (no auth)" % (xaddr(r[2][0x0016]), xaddr(r[2][0x0020]))); return 0
    code, reason = error_of(r[2])
    if code != 401:
        print("ERROR %d %s" % (code, reason)); return 2
    realm, nonce = r[2][0x0014], r[2][0x0015]
    key = hashlib.md5(("%s:%s:%s" % (user, realm.decode(), password)).encode()).digest()
    auth = [transport, attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
    r = transact(s, dest, lambda tid: message(0x0003, tid, auth, key))
    if r is None:
        print("ERROR 0 no response to authenticated Allocate"); return 2
    if r[0] == 0x0103:
        print("RELAYED %s MAPPED %s" % (xaddr(r[2][0x0016]), xaddr(r[2][0x0020])))
        # free the allocation: Refresh with LIFETIME 0
        nonce2 = nonce
        refresh = [attr(0x000D, struct.pack("!I", 0)), attr(0x0006, user.encode()),
                   attr(0x0014, realm), attr(0x0015, nonce2)]
        transact(s, dest, lambda tid: message(0x0004, tid, refresh, key), tries=2, timeout=0.3)
        return 0
    code, reason = error_of(r[2])
    print("ERROR %d %s" % (code, reason)); return 2

def xor_peer(ip, port):
    x = struct.unpack("!I", socket.inet_aton(ip))[0] ^ MAGIC
    return attr(0x0012, struct.pack("!BBHI", 0, 1, port ^ (MAGIC >> 16), x))

def relay(args):
    dest, user, password, peer_ip, seconds = hostport(args[0]), args[1], args[2], args[3], float(args[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    transport = attr(0x0019, bytes([17, 0, 0, 0]))
    r = transact(s, dest, lambda tid: message(0x0003, tid, [transport]))
    if r is None or r[0] != 0x0113 or error_of(r[2])[0] != 401:
        print("ERROR 0 expected a 401 challenge"); return 2
    realm, nonce = r[2][0x0014], r[2][0x0015]
    key = hashlib.md5(("%s:%s:%s" % (user, realm.decode(), password)).encode()).digest()
    cred = [attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
    r = transact(s, dest, lambda tid: message(0x0003, tid, [transport] + cred, key))
    if r is None or r[0] != 0x0103:
        print("ERROR %d %s" % (error_of(r[2]) if r else (0, "no response"))); return 2
    relayed = xaddr(r[2][0x0016])
    r = transact(s, dest, lambda tid: message(0x0008, tid, [xor_peer(peer_ip, 0)] + cred, key))
    if r is None or r[0] != 0x0108:
        print("ERROR %d %s (CreatePermission)" % (error_of(r[2]) if r else (0, "no response"))); return 2
    print("RELAYED %s" % relayed)
    sys.stdout.flush()
    got, end = 0, time.time() + seconds
    s.settimeout(0.1)
    while time.time() < end:
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            continue
        if len(data) < 20:
            continue
        mtype, tid, attrs = parse(data)
        if mtype == 0x0017 and 0x0012 in attrs and attrs.get(0x0013) == b"jwg-punch":
            got += 1
            peer = xaddr(attrs[0x0012])
            ip, port = hostport(peer)
            s.sendto(message(0x0016, os.urandom(12), [xor_peer(ip, port), attr(0x0013, b"jwg-punch")]), dest)
    print("RECEIVED %d VIA %s" % (got, relayed))
    sys.stdout.flush()
    return 0 if got else 1

def punch(args):
    local, peer, seconds = int(args[0]), hostport(args[1]), float(args[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", local))
    s.settimeout(0.1)
    got, sources, learned = 0, set(), []
    end = time.time() + seconds
    while time.time() < end:
        for dest in [peer] + [x for x in learned if x != peer]:
            try:
                s.sendto(b"jwg-punch", dest)
            except OSError:
                pass
        stop = time.time() + 0.1
        while time.time() < stop:
            try:
                data, src = s.recvfrom(2048)
            except socket.timeout:
                break
            except OSError:
                break
            if data == b"jwg-punch":
                got += 1; sources.add("%s:%d" % src)
                if src not in learned:
                    learned.append(src)
    print("RECEIVED %d FROM %s" % (got, ",".join(sorted(sources)) or "-"))
    sys.stdout.flush()
    return 0 if got else 1

if __name__ == "__main__":
    cmds = {"binding": binding, "allocate": allocate, "relay": relay, "punch": punch}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__); sys.exit(64)
    sys.exit(cmds[sys.argv[1]](sys.argv[2:]))
