package jwg.ice.doctor;

import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/** The diagnostics STUN client against a scripted server on loopback. */
class DoctorStunClientTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** A server that first sends junk, a wrong transaction ID and a wrong method, then the real answer. */
    @Test
    void ignoresMalformedAndUnrelatedResponses() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LO, 0));
                StunClient c = new StunClient(LO, 0)) {
            Thread t = Thread.ofVirtual().start(() -> answer(server, true));
            StunClient.Reply r = c.binding((InetSocketAddress) server.getLocalSocketAddress(), 0);
            t.join(3000);
            InetSocketAddress mapped = NatDiscovery.mapped(r);
            assertEquals(c.localAddress(), mapped, "only the well-formed, matching response counts: " + r);
        }
    }

    @Test
    void retransmitsAndGivesUpWithinTheBound() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LO, 0));
                StunClient c = new StunClient(LO, 0)) {
            Thread t = Thread.ofVirtual().start(() -> count(server, seen));
            long t0 = System.nanoTime();
            StunClient.Reply r = c.binding((InetSocketAddress) server.getLocalSocketAddress(), 0);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(StunClient.Reply.NoAnswer.class, r);
            assertTrue(ms >= 1400 && ms < 2000, "about 1.5 s: " + ms);
            server.close();
            t.join(1000);
            assertEquals(3, seen.get(), "three tries");
        }
    }

    @Test
    void aClosedPortIsANoAnswerNotAnException() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            port = s.getLocalPort();
        }
        try (StunClient c = new StunClient(LO, 0, new int[] {100, 100})) {
            assertInstanceOf(StunClient.Reply.NoAnswer.class, c.binding(new InetSocketAddress(LO, port), 0));
        }
    }

    private static void count(DatagramSocket server, AtomicInteger seen) {
        byte[] buf = new byte[1500];
        try {
            while (true) {
                server.receive(new DatagramPacket(buf, buf.length));
                seen.incrementAndGet();
            }
        } catch (Exception e) {
            // closed
        }
    }

    static void answer(DatagramSocket server, boolean junkFirst) {
        try {
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            server.receive(p);
            StunMessage req = StunMessage.parse(buf, p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            byte[] mappedOther = xorAddress(new InetSocketAddress("192.0.2.99", 9), req.transactionId());
            byte[] mapped = xorAddress(from, req.transactionId());
            if (junkFirst) {
                send(server, from, new byte[] {1, 2, 3});
                byte[] wrongId = req.transactionId();
                wrongId[0] ^= 1;
                send(
                        server,
                        from,
                        StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, wrongId)
                                .add(Stun.XOR_MAPPED_ADDRESS, mappedOther)
                                .encode(null, false));
                send(
                        server,
                        from,
                        StunMessage.of(Stun.ALLOCATE, Stun.SUCCESS_RESPONSE, req.transactionId())
                                .add(Stun.XOR_MAPPED_ADDRESS, mappedOther)
                                .encode(null, false));
                byte[] badFingerprint = StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, req.transactionId())
                        .add(Stun.XOR_MAPPED_ADDRESS, mappedOther)
                        .encode(null, true);
                badFingerprint[badFingerprint.length - 1] ^= 1;
                send(server, from, badFingerprint);
            }
            send(
                    server,
                    from,
                    StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, req.transactionId())
                            .add(Stun.XOR_MAPPED_ADDRESS, mapped)
                            .encode(null, true));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] b) throws Exception {
        s.send(new DatagramPacket(b, b.length, to));
    }

    /** XOR-MAPPED-ADDRESS for IPv4 (the decoder is its own inverse for the address bytes). */
    static byte[] xorAddress(InetSocketAddress a, byte[] id) {
        byte[] ip = a.getAddress().getAddress();
        int port = a.getPort() ^ (Stun.MAGIC_COOKIE >>> 16);
        byte[] v = {0, 1, (byte) (port >>> 8), (byte) port, 0, 0, 0, 0};
        for (int i = 0; i < 4; i++) v[4 + i] = (byte) (ip[i] ^ (Stun.MAGIC_COOKIE >>> (24 - 8 * i)));
        return v;
    }
}
