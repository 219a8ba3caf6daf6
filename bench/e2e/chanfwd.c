/* chanfwd: the least a ChannelData relay between two clients must do, batched — to compare with
 * coturn's cost per datagram (bench/e2e/turn-ceiling.sh -F). No TURN: one UDP socket on
 * ADDR:PORT; the first two distinct sources are the two clients, and every datagram from one is
 * sent unchanged to the other (as a relay with both allocations in one process could, without the
 * relay-to-relay hop through the kernel), read 64 at a time by recvmmsg and written by sendmmsg.
 * A datagram "hello" from a third source when two are known starts a new pair.
 *   chanfwd ADDR PORT SECONDS          prints "FORWARDED n" at the end. Linux only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: chanfwd ADDR PORT SECONDS\n"); return 64; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &me.sin_addr);
    int rb = 4 << 20; setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof rb); setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rb, sizeof rb);
    if (bind(fd, (struct sockaddr *)&me, sizeof me)) { perror("bind"); return 1; }
    struct timeval tv = {0, 100000}; setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static unsigned char buf[BATCH][2048]; struct mmsghdr m[BATCH], o[BATCH]; struct iovec v[BATCH], ov[BATCH];
    struct sockaddr_in src[BATCH], peers[2]; int npeers = 0;
    for (int i = 0; i < BATCH; i++) {
        v[i].iov_base = buf[i]; v[i].iov_len = 2048; memset(&m[i], 0, sizeof m[i]);
        m[i].msg_hdr.msg_iov = &v[i]; m[i].msg_hdr.msg_iovlen = 1; m[i].msg_hdr.msg_name = &src[i]; m[i].msg_hdr.msg_namelen = sizeof src[i];
    }
    long fwd = 0; double end = now() + atof(argv[3]);
    while (now() < end) {
        for (int i = 0; i < BATCH; i++) m[i].msg_hdr.msg_namelen = sizeof src[i];
        int k = recvmmsg(fd, m, BATCH, MSG_WAITFORONE, 0);
        if (k <= 0) continue;
        int n = 0;
        for (int i = 0; i < k; i++) {
            int from = -1;
            for (int p = 0; p < npeers; p++) if (peers[p].sin_addr.s_addr == src[i].sin_addr.s_addr && peers[p].sin_port == src[i].sin_port) from = p;
            if (from < 0 && npeers == 2 && m[i].msg_len == 5 && !memcmp(buf[i], "hello", 5)) npeers = 0;
            if (from < 0 && npeers < 2) { peers[npeers] = src[i]; from = npeers++; }
            if (from < 0 || npeers < 2) continue;
            ov[n].iov_base = buf[i]; ov[n].iov_len = m[i].msg_len; memset(&o[n], 0, sizeof o[n]);
            o[n].msg_hdr.msg_iov = &ov[n]; o[n].msg_hdr.msg_iovlen = 1; o[n].msg_hdr.msg_name = &peers[1 - from]; o[n].msg_hdr.msg_namelen = sizeof peers[0];
            n++;
        }
        for (int s = 0; s < n;) { int r = sendmmsg(fd, o + s, n - s, 0); if (r <= 0) break; s += r; fwd += r; }
    }
    printf("FORWARDED %ld\n", fwd);
    return 0;
}
