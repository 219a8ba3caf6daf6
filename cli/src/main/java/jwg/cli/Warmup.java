package jwg.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import java.util.logging.Logger;
import jwg.dataplane.HandshakeActivity;
import jwg.dataplane.bind.Datagrams;
import jwg.dataplane.bind.Endpoint;
import jwg.dataplane.bind.LinuxUdpBind;
import jwg.noise.InMemoryHandshakes;
import jwg.noise.InitiationFilter;
import jwg.noise.Keypair;
import jwg.noise.crypto.ChaCha20Poly1305;
import jwg.noise.crypto.VectorGate;
import jwg.tun.offload.Coalescer;
import jwg.tun.offload.Segmenter;
import jwg.tun.offload.TcpSuperPacket;
import jwg.tun.offload.VirtioNetHdr;

/**
 * Compiles the packet path before the first real packets: a fresh JVM runs it interpreted, then
 * half-optimized, for its first seconds. At daemon start ({@link #beforeStart}) a background
 * thread at nice 19 runs, with throwaway keys and the same code and shapes as live traffic: first
 * a few hundred handshakes between two in-memory devices ({@link #handshakes}: X25519, BLAKE2s,
 * the AEAD on handshake payloads, the handshake workers' {@link InitiationFilter}, alone and in
 * batches of queued initiations), so that a
 * daemon flooded with initiations from its first second answers them at compiled speed instead
 * of falling behind and replying cookies (HandshakeFloodIT); then a TCP
 * super-packet split into segments ({@link Segmenter}), each sealed in place by
 * {@link Keypair#seal}, the batch sent to ourselves over loopback with UDP GSO and received with
 * GRO ({@link LinuxUdpBind}), opened by {@link Keypair#open} and merged again ({@link Coalescer});
 * plus lone packets of every length class (ACKs, odd sizes) so that tails and padding take each
 * branch before C2 compiles them, once as live traffic seals them while the gate is closed and
 * once with the Vector API paths forced (so that the branch between the two is profiled both ways
 * before C2 compiles it); then the same lone packets with the Vector API paths forced,
 * until C2 has compiled those, before {@link VectorGate} lets live traffic use them. Buffers come
 * from a shared arena, as the device's do: a different segment or session type at the same call
 * sites would be a new shape for the compiled code.
 *
 * <p>After the handshakes, the warm-up waits while the device's handshake workers have
 * initiations to handle ({@link HandshakeActivity}, {@link Budget}): nice 19 keeps its own thread
 * out of their way, but not the compiler threads that compile what it runs, nor the collector,
 * which its Vector API code (allocating until C2 has compiled it) made stop every thread about
 * every 3 ms for a second — at a flood's start that put the device under load for a second
 * (docs/benchmarks.md, issue 12 item 3, fourth pass). The time waited moves the deadline on, up
 * to {@link #MAX_WAIT_MILLIS} in all.
 */
final class Warmup {
    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());
    /** Full handshakes (initiation, filter, response, confirmation) before the packet path. */
    static final int HANDSHAKE_ROUNDS = Integer.getInteger("jwg.warmupHandshakes", 300);
    /**
     * Junk initiations (valid but for the static key) through the admission check per handshake:
     * 300 × 20 = 6,000, enough for C2 to compile the whole junk path — the check, the es DH's
     * decoding, inversion and encoding, the KDF, the AEAD — not only the ladder's loop, which its
     * back-edges compile after a few hundred (with one junk initiation per handshake those
     * methods were still at C1's profiling tier when a flood came, and C2 compiled them during
     * its first second: docs/benchmarks.md, issue 12 item 3, fourth pass).
     */
    static final int JUNK_PER_HANDSHAKE = Integer.getInteger("jwg.warmupJunk", 20);
    /** Rounds of the whole packet path (split, seal, GSO, GRO, open, coalesce) before the vector part. */
    static final int PATH_ROUNDS = Integer.getInteger("jwg.warmupPathRounds", 200);
    /** Most rounds of the warm-up's vector part (-Djwg.warmupRounds; 0 turns the warm-up off). */
    static final int ROUNDS = Integer.getInteger("jwg.warmupRounds", 700);
    /** Longest the warm-up may run before the vector paths are let in anyway (-Djwg.warmupMillis). */
    static final long MILLIS = Long.getLong("jwg.warmupMillis", 20_000);
    /** How long after the handshake workers' last initiation the warm-up goes on (a flood's gaps are shorter). */
    static final long QUIET_MILLIS = 500;
    /** Longest the warm-up waits for handshake floods, in all, before it goes on anyway. */
    static final long MAX_WAIT_MILLIS = 60_000;

    static final int MTU = 1420, MSS = MTU - 40, HEADROOM = 16, SLOTS = 64, BUFFER = 65536 + 64;
    /** Lone packet lengths: ACKs, full segments, and odd sizes whose tails and padding take every branch. */
    static final int[] LENGTHS = {52, 1420, 1, 15, 17, 63, 64, 100, 447, 449, 960, 1000, 40, 1380, 1408, 576};

    private Warmup() {}

    /**
     * At daemon start: the AEADs keep to their non-vector paths (quick from the first packets)
     * while a background thread runs the warm-up with the vector paths forced, then lets everyone
     * use them ({@link VectorGate}). Run synchronously before the interface came up, the warm-up
     * would have delayed the start by seconds: class initialisation and self-tests take ~1.3 s and
     * interpreted vector code ~0.6 ms a packet (docs/benchmarks.md). Bounded by {@link #ROUNDS} and
     * {@link #MILLIS}; a failure only costs speed (the gate opens anyway). The thread runs at nice
     * 19, so on a small machine it takes only CPU that the traffic leaves.
     */
    static void beforeStart() {
        if (ROUNDS <= 0) return;
        VectorGate.holdUntilWarm();
        Thread.ofPlatform().daemon().name("jwg-warmup").start(() -> {
            jwg.sys.Fds.niceThisThread(19); // only the CPU that traffic leaves: never slow the first packets down
            try {
                long deadline = System.nanoTime() + MILLIS * 1_000_000L;
                handshakes(HANDSHAKE_ROUNDS, deadline); // what a flood needs compiled: never waits for one
                Budget budget = new Budget(deadline, deadline + MAX_WAIT_MILLIS * 1_000_000L, Budget::handshakesBusy);
                run(PATH_ROUNDS, budget, false); // the packet path as traffic will take it first (gate closed)
                vectors(ROUNDS, budget);
                if (budget.waited() > 0)
                    LOG.info(String.format(
                            "warm-up: waited %.1f s for handshake traffic to pass", budget.waited() / 1e9));
            } catch (IOException | RuntimeException e) {
                LOG.fine("warm-up: " + e);
            } finally {
                VectorGate.open();
            }
        });
    }

    /**
     * Full handshakes between two in-memory protocol cores ({@link InMemoryHandshakes}), each initiation also
     * through the responder's {@link InitiationFilter} (the handshake workers' admission check) and
     * {@link #JUNK_PER_HANDSHAKE} times an altered copy of it that the filter refuses (the junk
     * path of a flood). A fake clock moves
     * on so that neither the 20 ms flood limit nor the 5 s initiation limit interferes. Returns the
     * handshakes completed.
     */
    static int handshakes(int rounds, long deadline) {
        int done = 0;
        byte[] copy = new byte[148];
        int lanes = InitiationFilter.batchSize(); // runs the batch DH's self-test here, not in a flood's first batch
        byte[][] batch = new byte[lanes][];
        int[] lengths = new int[lanes];
        try (Arena arena = Arena.ofConfined();
                InMemoryHandshakes pair = new InMemoryHandshakes(arena, new SecureRandom())) {
            InitiationFilter filter = pair.responder().initiationFilter();
            InMemoryHandshakes.InitiationCheck check = (initiation, len) -> {
                MemorySegment.copy(initiation, ValueLayout.JAVA_BYTE, 0, copy, 0, len);
                if (!filter.admits(copy, len)) return false;
                copy[40] ^= 1; // inside the encrypted static key: refused after the es DH, as junk is
                for (int j = 0; j < JUNK_PER_HANDSHAKE; j++) filter.admits(copy, len);
                if (lanes > 1) { // a flood's queued junk, admitted together (the handshake workers' batch path)
                    java.util.Arrays.fill(batch, copy);
                    java.util.Arrays.fill(lengths, len);
                    filter.admitsAll(batch, lengths, lanes);
                }
                return true;
            };
            for (int r = 0; r < rounds && System.nanoTime() - deadline < 0; r++) {
                if (!pair.handshake(check)) break;
                done++;
            }
        }
        return done;
    }

    /**
     * Seals and opens lone packets of every length class with an AEAD that forces the vector
     * paths, until C2 has had enough calls to compile them (~10,000 each), or until the deadline.
     */
    static void vectors(int rounds, Budget budget) {
        Keypair kp = Keypair.throwaway(new SecureRandom());
        ChaCha20Poly1305 aead = new ChaCha20Poly1305().forceVectors();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment lone = arena.allocate(BUFFER, 16);
            long counter = 0;
            for (int r = 0; r < rounds && budget.left(); r++) counter = lonePackets(kp, aead, lone, counter);
        } finally {
            kp.destroy();
        }
    }

    /** One packet of every length class, sealed and opened in place in {@code lone}; returns the next counter. */
    private static long lonePackets(Keypair kp, ChaCha20Poly1305 aead, MemorySegment lone, long counter) {
        for (int len : LENGTHS) {
            int d = kp.seal(aead, counter++, lone, HEADROOM, len, lone, 0, MTU);
            if (!kp.open(aead, lone, 0, d, lone, HEADROOM))
                throw new IllegalStateException("warm-up round trip failed");
        }
        return counter;
    }

    static void run(int rounds) throws IOException {
        long day = System.nanoTime() + 86_400_000_000_000L;
        run(rounds, new Budget(day, day, Budget::handshakesBusy), true);
    }

    /** Up to {@code rounds} rounds, while the budget lasts. */
    static void run(int rounds, Budget budget, boolean forceVectors) throws IOException {
        Keypair kp = Keypair.throwaway(new SecureRandom());
        ChaCha20Poly1305 aead = forceVectors ? new ChaCha20Poly1305().forceVectors() : new ChaCha20Poly1305();
        // lone packets with the vector paths forced in every round too: the branch between the
        // paths is profiled both ways before C2 compiles it (VectorGate)
        ChaCha20Poly1305 vectorAead = forceVectors ? null : new ChaCha20Poly1305().forceVectors();
        Segmenter segmenter = new Segmenter();
        Coalescer coalescer = new Coalescer(SLOTS, false);
        try (Arena arena = Arena.ofShared();
                LinuxUdpBind out = new LinuxUdpBind(true);
                LinuxUdpBind in = new LinuxUdpBind(true)) {
            out.open(0);
            int port = in.open(0);
            Endpoint to = Endpoint.parse("127.0.0.1:" + port);
            MemorySegment superPacket = arena.allocate(BUFFER, 16);
            int superLen = superPacket(superPacket, HEADROOM - VirtioNetHdr.SIZE);
            Datagrams send = Datagrams.allocate(arena, SLOTS, BUFFER);
            Datagrams receive = Datagrams.allocate(arena, 128, BUFFER);
            Object[] slots = new Object[SLOTS]; // MemorySegments, as the Sender keeps them (see Datagrams)
            for (int i = 0; i < SLOTS; i++) slots[i] = send.buffer(i);
            int[] lengths = new int[SLOTS];
            MemorySegment lone = arena.allocate(BUFFER, 16);
            long counter = 0;
            for (int r = 0; r < rounds && budget.left(); r++) {
                counter = lonePackets(kp, aead, lone, counter);
                if (vectorAead != null) counter = lonePackets(kp, vectorAead, lone, counter);
                int n = segmenter.split(
                        superPacket, HEADROOM - VirtioNetHdr.SIZE, superLen, slots, 0, SLOTS, HEADROOM, lengths);
                for (int i = 0; i < n; i++) {
                    int len = i == n - 1 ? LENGTHS[r % LENGTHS.length] : lengths[i]; // the last one: another size
                    MemorySegment slot = (MemorySegment) slots[i];
                    send.set(i, slot, 0, kp.seal(aead, counter++, slot, HEADROOM, len, slot, 0, MTU));
                    send.endpoint(i).copyFrom(to);
                }
                send.count(n);
                out.send(send);
                for (int got = 0; got < n; ) {
                    int m = in.receive(receive);
                    if (m < 0) return;
                    coalescer.reset();
                    for (int i = 0; i < m; i++) {
                        MemorySegment d = receive.buffer(i);
                        long off = receive.offset(i);
                        if (!kp.open(aead, d, off, receive.length(i), d, off + HEADROOM))
                            throw new IllegalStateException("warm-up round trip failed");
                        coalescer.add(d, off + HEADROOM, receive.length(i) - 32);
                    }
                    coalescer.finish();
                    got += m;
                }
            }
        } finally {
            kp.destroy();
        }
    }

    /**
     * The warm-up's time after its handshakes: a deadline (System.nanoTime) that moves on by the
     * time spent waiting while {@code busy} (the handshake workers had an initiation lately:
     * {@link #handshakesBusy}), never past {@code latest}. Only the warm-up thread uses it.
     */
    static final class Budget {
        static final long POLL_NANOS = 20_000_000L;
        private long deadline;
        private final long latest;
        private final LongPredicate busy;
        private long waited;

        Budget(long deadline, long latest, LongPredicate busy) {
            this.deadline = deadline;
            this.latest = latest;
            this.busy = busy;
        }

        /** Whether a handshake worker had an initiation within {@link #QUIET_MILLIS} before {@code now}. */
        static boolean handshakesBusy(long now) {
            return HandshakeActivity.within(now, QUIET_MILLIS * 1_000_000L);
        }

        /** Waits while busy (moving the deadline on by the wait, up to the latest end), then says whether time is left. */
        boolean left() {
            long now = System.nanoTime();
            if (busy.test(now) && now - latest < 0) {
                long start = now;
                do {
                    LockSupport.parkNanos(POLL_NANOS);
                    now = System.nanoTime();
                } while (busy.test(now) && now - latest < 0);
                waited += now - start;
                deadline += now - start;
                if (deadline - latest > 0) deadline = latest;
            }
            return now - deadline < 0;
        }

        /** Nanoseconds spent waiting for handshake floods so far. */
        long waited() {
            return waited;
        }
    }

    /** A 64 KB TCPv4 super-packet 192.0.2.1 → 192.0.2.2 (never leaves this process) at s[off]; its length with the header. */
    static int superPacket(MemorySegment s, long off) {
        return TcpSuperPacket.write(s, off, 65535, MSS, 0xc0000201, 0xc0000202);
    }
}
