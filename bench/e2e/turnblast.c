/* turnblast: TURN ChannelData through one relay, as fast as the sender can, counted at the far end.
 * Started by turn-ceiling.py with two UDP sockets already allocated and channel-bound on the server:
 *   turnblast FD_SEND FD_RECV CHANNEL SIZE SECONDS [PPS]
 * FD_SEND is connected to the TURN server; every datagram is ChannelData (CHANNEL, SIZE bytes of
 * data, SIZE a multiple of 4: no padding), sent 64 at a time by sendmmsg. A child process reads
 * FD_RECV 64 at a time by recvmmsg for SECONDS + 0.5 and counts ChannelData of SIZE bytes.
 * PPS (0 or absent: unpaced) paces the sender in batches. With COTURN_PID in the environment,
 * prints the CPU that process used during the send window ("SERVER_CPU", % of one core).
 * Prints "SENT n pkts", "RECEIVED n pkts", "SEND_ERRORS n" and the rates. Linux only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
static long server_ticks(void) {
    const char *pid = getenv("COTURN_PID"); if (!pid) return -1;
    char path[64], line[1024]; snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r"); if (!f) return -1;
    size_t n = fread(line, 1, sizeof line - 1, f); fclose(f); line[n] = 0;
    char *p = strrchr(line, ')'); if (!p) return -1;
    long ut = 0, st = 0; int field = 2;
    for (char *t = strtok(p + 1, " "); t; t = strtok(0, " ")) { field++; if (field == 14) ut = atol(t); if (field == 15) { st = atol(t); break; } }
    return ut + st;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7) { fprintf(stderr, "usage: turnblast FD_SEND FD_RECV CHANNEL SIZE SECONDS [PPS]\n"); return 64; }
    double pps = argc == 7 ? atof(argv[6]) : 0;
    int fs = atoi(argv[1]), fr = atoi(argv[2]), ch = (int)strtol(argv[3], 0, 0), size = atoi(argv[4]);
    double secs = atof(argv[5]);
    if (size % 4 || size < 4 || size > 1600) { fprintf(stderr, "SIZE must be a multiple of 4 in 4..1600\n"); return 64; }
    int p[2]; if (pipe(p)) return 1;
    pid_t child = fork();
    if (child == 0) {
        static unsigned char buf[BATCH][2048]; struct mmsghdr m[BATCH]; struct iovec v[BATCH];
        for (int i = 0; i < BATCH; i++) { v[i].iov_base = buf[i]; v[i].iov_len = 2048; memset(&m[i], 0, sizeof m[i]); m[i].msg_hdr.msg_iov = &v[i]; m[i].msg_hdr.msg_iovlen = 1; }
        struct timeval tv = {0, 100000}; setsockopt(fr, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int rb = 4 << 20; setsockopt(fr, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof rb);
        write(p[1], "r", 1);
        long n = 0, other = 0; double first = 0, last = 0, end = now() + secs + 1.5;
        while (now() < end) {
            int k = recvmmsg(fr, m, BATCH, MSG_WAITFORONE, 0);
            if (k <= 0) continue;
            for (int i = 0; i < k; i++) {
                unsigned char *b = buf[i];
                if (m[i].msg_len == (unsigned)size + 4 && (b[0] << 8 | b[1]) == ch) { n++; last = now(); if (!first) first = last; }
                else other++;
            }
        }
        double d = last > first ? last - first : 1;
        printf("RECEIVED %ld pkts in %.3f s = %.0f pkt/s = %.1f Mbit/s of data (other %ld)\n", n, d, n / d, n * size * 8.0 / d / 1e6, other);
        return 0;
    }
    char c; read(p[0], &c, 1);
    static unsigned char out[1604];
    out[0] = ch >> 8; out[1] = ch & 0xff; out[2] = size >> 8; out[3] = size & 0xff;
    for (int i = 0; i < size; i++) out[4 + i] = (unsigned char)i;
    struct mmsghdr m[BATCH]; struct iovec v[BATCH];
    for (int i = 0; i < BATCH; i++) { v[i].iov_base = out; v[i].iov_len = size + 4; memset(&m[i], 0, sizeof m[i]); m[i].msg_hdr.msg_iov = &v[i]; m[i].msg_hdr.msg_iovlen = 1; }
    long sent = 0, errors = 0; double t0 = now(), end = t0 + secs; long s0 = server_ticks();
    while (now() < end) {
        if (pps > 0) { double due = t0 + sent / pps; double w = due - now(); if (w > 0) { struct timespec ts = {(time_t)w, (long)((w - (long)w) * 1e9)}; nanosleep(&ts, 0); } }
        int k = sendmmsg(fs, m, BATCH, 0);
        if (k < 0) { errors++; if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) { perror("sendmmsg"); break; } continue; }
        sent += k;
    }
    double d = now() - t0; long s1 = server_ticks();
    if (s0 >= 0 && s1 >= 0) printf("SERVER_CPU %.0f %% of one core during the send window\n", (s1 - s0) * 100.0 / sysconf(_SC_CLK_TCK) / d);
    printf("SENT %ld pkts in %.3f s = %.0f pkt/s = %.1f Mbit/s of data\nSEND_ERRORS %ld\n", sent, d, sent / d, sent * size * 8.0 / d / 1e6, errors);
    fflush(stdout);
    int st; waitpid(child, &st, 0);
    return 0;
}
