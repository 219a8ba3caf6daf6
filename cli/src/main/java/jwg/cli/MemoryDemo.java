package jwg.cli;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import jwg.noise.Action;
import jwg.noise.Keypair;
import jwg.noise.PresharedKey;
import jwg.noise.PrivateKey;
import jwg.noise.ProtocolCore;
import jwg.noise.Result;
import jwg.noise.Tunnel;

/**
 * Two WireGuard peers in memory, no network and no root: key generation, the handshake, IPv4
 * packets both ways, a rekey after 120 s, and an expired session — all under a fake clock
 * that the demo moves forward itself. The first thing to run when reading the code: it
 * walks through the protocol core ({@code jwg.noise}) exactly as the dataplane uses it.
 */
final class MemoryDemo {
    private MemoryDemo() {}

    private static final long SECOND = 1_000_000_000L;

    /** The fake clock: monotonic nanoseconds, moved by hand. */
    private static long now;
    /** Where the demo tells its story (the stream the command was given). */
    private static PrintStream out;

    private static final InetSocketAddress ALICE_ADDR = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress BOB_ADDR = new InetSocketAddress("192.0.2.2", 51820);

    /** {@code jwg demo --memory}: runs the whole story once, writing to {@code out}. */
    static synchronized void run(PrintStream out) {
        MemoryDemo.out = out;
        now = 1_000 * SECOND;
        SecureRandom random = new SecureRandom();
        say("Two peers, Alice and Bob, each with a Curve25519 key pair (jwg genkey / jwg pubkey).");
        PrivateKey alicePriv = PrivateKey.generate(random);
        PrivateKey bobPriv = PrivateKey.generate(random);
        PresharedKey psk = PresharedKey.generate(random);
        say("  Alice's public key: " + alicePriv.publicKey());
        say("  Bob's public key:   " + bobPriv.publicKey());
        say("  Private keys print as " + alicePriv + "; the preshared key as " + psk + ".");

        long wallAtStart = System.currentTimeMillis() * 1_000_000L;
        ProtocolCore alice = new ProtocolCore(alicePriv, random, () -> wallAtStart + now);
        ProtocolCore bob = new ProtocolCore(bobPriv, random, () -> wallAtStart + now);
        Tunnel aliceToBob = alice.addPeer(bobPriv.publicKey(), psk);
        Tunnel bobToAlice = bob.addPeer(alicePriv.publicKey(), psk);
        say("Each side knows the other as a peer (a Tunnel). Nothing has been sent yet.");

        try (Arena arena = Arena.ofConfined()) {
            Wire wire = new Wire(arena, alice, bob, aliceToBob, bobToAlice);

            step("1. Alice wants to send a packet to Bob, but there is no session yet.");
            wire.send(aliceToBob, ipv4(10, 1, 10, 2, "hello Bob"));
            wire.run();

            step("2. Data both ways over the new session.");
            wire.send(bobToAlice, ipv4(10, 2, 10, 1, "hello Alice"));
            wire.run();
            wire.send(aliceToBob, ipv4(10, 1, 10, 2, "how are you?"));
            wire.run();

            step("3. A packet captured on the wire and sent again is rejected (replay).");
            wire.replayLast();

            now += 121 * SECOND;
            step("4. 121 seconds later (fake clock): Alice's keys are older than REKEY_AFTER_TIME (120 s).");
            int oldIndex = aliceToBob.sendingKeypair(now).localIndex();
            wire.send(aliceToBob, ipv4(10, 1, 10, 2, "still there?"));
            wire.run();
            say("  The packet went out with the old keys, and Alice asked for a new handshake;");
            say("  her timer tick (every 100 ms in the dataplane) starts it:");
            wire.tick(aliceToBob);
            wire.run();
            Keypair fresh = aliceToBob.sendingKeypair(now);
            say("  Alice now sends with keypair #" + Integer.toUnsignedString(fresh.localIndex()) + " instead of #"
                    + Integer.toUnsignedString(oldIndex) + " (the old one stays to decrypt late packets).");
            wire.send(bobToAlice, ipv4(10, 2, 10, 1, "yes, with new keys"));
            wire.run();

            now += 200 * SECOND;
            step("5. Silence for 200 seconds: past REJECT_AFTER_TIME (180 s) no key may be used any more.");
            say("  Bob has something to say; his session is too old, so he starts a handshake himself.");
            wire.send(bobToAlice, ipv4(10, 2, 10, 1, "back again"));
            wire.run();

            now += 11 * SECOND;
            step("6. Alice received data but had nothing to say for KEEPALIVE_TIMEOUT (10 s):");
            wire.tick(aliceToBob);
            wire.tick(bobToAlice);
            wire.run();
            now += 530 * SECOND;
            step("7. Silence for 9 minutes: after 3 x REJECT_AFTER_TIME (540 s) every key is zeroed.");
            wire.tick(aliceToBob);
            wire.tick(bobToAlice);
            wire.run();
            say("  Alice has a session: " + aliceToBob.hasSession(now) + "; Bob has a session: "
                    + bobToAlice.hasSession(now) + ". The next packet will start a fresh handshake.");

            step("Counters kept by each side (drops are counted per reason, for `jwg show`):");
            say("  Alice: " + alice.counters());
            say("  Bob:   " + bob.counters());
        }
    }

    /** Moves datagrams between the two devices and stages packets while there is no session. */
    private static final class Wire {
        private final ProtocolCore alice, bob;
        private final Tunnel aliceToBob, bobToAlice;
        private final MemorySegment buf;
        private final Result out;
        private final Deque<byte[]> inFlight = new ArrayDeque<>(); // datagrams on the wire
        private final Deque<Boolean> towardsBob = new ArrayDeque<>();
        private final Deque<byte[]> stagedAtAlice = new ArrayDeque<>();
        private final Deque<byte[]> stagedAtBob = new ArrayDeque<>();
        private byte[] lastData;

        Wire(Arena arena, ProtocolCore alice, ProtocolCore bob, Tunnel aliceToBob, Tunnel bobToAlice) {
            this.alice = alice;
            this.bob = bob;
            this.aliceToBob = aliceToBob;
            this.bobToAlice = bobToAlice;
            this.buf = arena.allocate(2048);
            this.out = new Result(arena.allocate(2048), 0, 2048);
        }

        private String name(Tunnel t) {
            return t == aliceToBob ? "Alice" : "Bob";
        }

        void send(Tunnel from, byte[] packet) {
            MemorySegment.copy(MemorySegment.ofArray(packet), 0, buf, 0, packet.length);
            Action a = from.encapsulate(now, buf, 0, packet.length, out).action();
            String who = name(from);
            switch (a) {
                case WRITE_TO_NETWORK -> {
                    say("  " + who + " encrypts a " + packet.length + "-byte IPv4 packet (\"" + text(packet)
                            + "\") into a " + out.length() + "-byte datagram (header 16 + padded payload + tag 16).");
                    put(from, out.toArray());
                }
                case STAGE_PACKET -> {
                    (from == aliceToBob ? stagedAtAlice : stagedAtBob).add(packet);
                    say("  " + who + " has no usable session: the packet waits in " + who + "'s staged queue.");
                    if (out.length() > 0) {
                        say("  " + who + " sends a handshake initiation (" + out.length()
                                + " bytes): a fresh ephemeral key, " + who
                                + "'s static key and a TAI64N timestamp, encrypted, plus MAC1.");
                        put(from, out.toArray());
                    }
                }
                default -> say("  " + who + ": " + a + " " + out.drop());
            }
        }

        void tick(Tunnel t) {
            Action a;
            while ((a = t.tick(now, out).action()) != Action.DONE) {
                if (a == Action.WRITE_TO_NETWORK) {
                    say("  " + name(t) + "'s timers send a " + out.length() + "-byte "
                            + (out.length() == 148
                                    ? "handshake initiation."
                                    : out.length() == 32
                                            ? "keepalive, so the other side knows its data arrived."
                                            : "datagram."));
                    put(t, out.toArray());
                }
            }
        }

        private void put(Tunnel from, byte[] datagram) {
            inFlight.add(datagram);
            towardsBob.add(from == aliceToBob);
            if (datagram[0] == 4 && datagram.length > 32) lastData = datagram;
        }

        /** Delivers everything on the wire (and whatever the answers produce). */
        void run() {
            while (!inFlight.isEmpty()) {
                byte[] d = inFlight.poll();
                boolean toBob = towardsBob.poll();
                deliver(d, toBob);
            }
        }

        void replayLast() {
            say("  An attacker re-sends Alice's last data datagram to Bob.");
            deliver(lastData, true);
        }

        private void deliver(byte[] d, boolean toBob) {
            ProtocolCore to = toBob ? bob : alice;
            String who = toBob ? "Bob" : "Alice";
            Tunnel self = toBob ? bobToAlice : aliceToBob;
            MemorySegment.copy(MemorySegment.ofArray(d), 0, buf, 0, d.length);
            Action a = to.decapsulate(now, buf, 0, d.length, toBob ? ALICE_ADDR : BOB_ADDR, out)
                    .action();
            switch (a) {
                case WRITE_TO_NETWORK -> {
                    String what = switch (out.length()) {
                        case 92 ->
                            "handshake response (" + out.length() + " bytes): an ephemeral key and an empty "
                                    + "encrypted payload proving " + who + " holds the keys.\n    " + who
                                    + "'s new keys wait as 'next': " + who
                                    + " may not send with them until the other side uses them.";
                        case 32 -> "keepalive (32 bytes: an empty encrypted packet) to confirm the new session.";
                        case 64 -> "cookie reply (64 bytes): it is under load.";
                        default -> out.length() + "-byte datagram.";
                    };
                    say("  " + who + " receives " + d.length + " bytes and answers with a " + what);
                    put(self, out.toArray());
                }
                case WRITE_TO_TUNNEL_V4 -> {
                    byte[] p = out.toArray();
                    say("  " + who + " decrypts " + d.length + " bytes: a " + p.length + "-byte IPv4 packet from "
                            + (p[12] & 0xff) + "." + (p[13] & 0xff) + ".0." + (p[15] & 0xff) + ": \"" + text(p)
                            + "\" → TUN.");
                }
                case DONE ->
                    say("  " + who + " receives " + d.length + " bytes"
                            + (d.length == 32
                                    ? " (a keepalive)"
                                            + (out.flushStaged()
                                                    ? ": the new session is confirmed and becomes current."
                                                    : ".")
                                    : ": nothing to do."));
                case DROPPED ->
                    say("  " + who + " DROPS " + d.length + " bytes: " + out.drop() + " (counted, never answered).");
                default -> say("  " + who + ": " + a);
            }
            Deque<byte[]> staged = toBob ? stagedAtBob : stagedAtAlice;
            if (out.flushStaged() && !staged.isEmpty()) {
                say("  " + who + "'s session is ready: sending " + staged.size() + " staged packet(s).");
                while (!staged.isEmpty()) send(self, staged.poll());
            }
        }
    }

    /** A 20-byte IPv4 header (UDP, no options) followed by {@code text}. */
    static byte[] ipv4(int a1, int a2, int b1, int b2, String text) {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = new byte[20 + body.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        p[12] = (byte) a1;
        p[13] = 0;
        p[14] = 0;
        p[15] = (byte) a2;
        p[16] = (byte) b1;
        p[17] = 0;
        p[18] = 0;
        p[19] = (byte) b2;
        System.arraycopy(body, 0, p, 20, body.length);
        return p;
    }

    private static String text(byte[] ipPacket) {
        return new String(ipPacket, 20, ipPacket.length - 20, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void step(String s) {
        out.println();
        out.println("[t=" + (now / SECOND - 1000) + " s] " + s);
    }

    private static void say(String s) {
        out.println(s);
    }
}
