package jwg.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.util.logging.Logger;
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
 * the AEAD on handshake payloads, the handshake workers' {@link InitiationFilter}), so that a
 * daemon flooded with initiations from its first second answers them at compiled speed instead
 * of falling behind and replying cookies (HandshakeFloodIT); then a TCP
 * super-packet split into segments ({@link Segmenter}), each sealed in place by
 * {@link Keypair#seal}, the batch sent to ourselves over loopback with UDP GSO and received with
 * GRO ({@link LinuxUdpBind}), opened by {@link Keypair#open} and merged again ({@link Coalescer});
 * plus lone packets of every length class (ACKs, odd sizes) so that tails and padding take each
 * branch before C2 compiles them; then the same lone packets with the Vector API paths forced,
 * until C2 has compiled those, before {@link VectorGate} lets live traffic use them. Buffers come
 * from a shared arena, as the device's do: a different segment or session type at the same call
 * sites would be a new shape for the compiled code.
 */
final class Warmup {
    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());
    /** Full handshakes (initiation, filter, response, confirmation) before the packet path. */
    static final int HANDSHAKE_ROUNDS = Integer.getInteger("jwg.warmupHandshakes", 300);
    /** Rounds of the whole packet path (split, seal, GSO, GRO, open, coalesce) before the vector part. */
    static final int PATH_ROUNDS = Integer.getInteger("jwg.warmupPathRounds", 200);
    /** Most rounds of the warm-up's vector part (-Djwg.warmupRounds; 0 turns the warm-up off). */
    static final int ROUNDS = Integer.getInteger("jwg.warmupRounds", 700);
    /** Longest the warm-up may run before the vector paths are let in anyway (-Djwg.warmupMillis). */
    static final long MILLIS = Long.getLong("jwg.warmupMillis", 20_000);

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
                handshakes(HANDSHAKE_ROUNDS, deadline);
                run(PATH_ROUNDS, deadline, false); // the packet path as traffic will take it first (gate closed)
                vectors(ROUNDS, deadline);
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
     * an altered copy of it that the filter refuses (the junk path of a flood). A fake clock moves
     * on so that neither the 20 ms flood limit nor the 5 s initiation limit interferes. Returns the
     * handshakes completed.
     */
    static int handshakes(int rounds, long deadline) {
        int done = 0;
        byte[] copy = new byte[148];
        try (Arena arena = Arena.ofConfined();
                InMemoryHandshakes pair = new InMemoryHandshakes(arena, new SecureRandom())) {
            InitiationFilter filter = pair.responder().initiationFilter();
            InMemoryHandshakes.InitiationCheck check = (initiation, len) -> {
                MemorySegment.copy(initiation, ValueLayout.JAVA_BYTE, 0, copy, 0, len);
                if (!filter.admits(copy, len)) return false;
                copy[40] ^= 1; // inside the encrypted static key: refused after the es DH, as junk is
                filter.admits(copy, len);
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
    static void vectors(int rounds, long deadline) {
        Keypair kp = Keypair.throwaway(new SecureRandom());
        ChaCha20Poly1305 aead = new ChaCha20Poly1305().forceVectors();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment lone = arena.allocate(BUFFER, 16);
            long counter = 0;
            for (int r = 0; r < rounds && System.nanoTime() - deadline < 0; r++)
                counter = lonePackets(kp, aead, lone, counter);
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
        run(rounds, Long.MAX_VALUE, true);
    }

    /** Up to {@code rounds} rounds, stopping at {@code deadline} (System.nanoTime). */
    static void run(int rounds, long deadline, boolean forceVectors) throws IOException {
        Keypair kp = Keypair.throwaway(new SecureRandom());
        ChaCha20Poly1305 aead = forceVectors ? new ChaCha20Poly1305().forceVectors() : new ChaCha20Poly1305();
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
            MemorySegment[] slots = new MemorySegment[SLOTS];
            for (int i = 0; i < SLOTS; i++) slots[i] = send.buffer(i);
            int[] lengths = new int[SLOTS];
            MemorySegment lone = arena.allocate(BUFFER, 16);
            long counter = 0;
            for (int r = 0; r < rounds && System.nanoTime() - deadline < 0; r++) {
                counter = lonePackets(kp, aead, lone, counter);
                int n = segmenter.split(
                        superPacket, HEADROOM - VirtioNetHdr.SIZE, superLen, slots, 0, SLOTS, HEADROOM, lengths);
                for (int i = 0; i < n; i++) {
                    int len = i == n - 1 ? LENGTHS[r % LENGTHS.length] : lengths[i]; // the last one: another size
                    send.set(i, slots[i], 0, kp.seal(aead, counter++, slots[i], HEADROOM, len, slots[i], 0, MTU));
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

    /** A 64 KB TCPv4 super-packet 192.0.2.1 → 192.0.2.2 (never leaves this process) at s[off]; its length with the header. */
    static int superPacket(MemorySegment s, long off) {
        return TcpSuperPacket.write(s, off, 65535, MSS, 0xc0000201, 0xc0000202);
    }
}
