package jwg.ice.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jwg.ice.stun.ChannelData;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jwg relay}'s server on loopback, with the module's own STUN codec as the client: long-term
 * authentication (401, wrong password, stale nonce), Allocate and its retransmission, 437, the
 * quota, permissions, Send/Data indications, ChannelBind and ChannelData both ways, relay to relay
 * in one hop, lifetimes that lapse and a Refresh to 0, and junk dropped without an answer.
 */
class RelayServerTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final String REALM = "jwg.test";
    static final SecureRandom RANDOM = new SecureRandom();

    RelayServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    RelayServer start(RelayConfig.Lifetimes lifetimes, int quota) throws IOException {
        server = RelayServer.start(new RelayConfig(
                new InetSocketAddress(LO, 0),
                LO,
                0,
                0,
                REALM,
                Map.of("u", RelayConfig.key("u", REALM, "p"), "v", RelayConfig.key("v", REALM, "q")),
                quota,
                true,
                lifetimes));
        return server;
    }

    RelayServer start() throws IOException {
        return start(RelayConfig.Lifetimes.RFC, 10);
    }

    /** A TURN client on its own socket, speaking through {@link StunMessage}. */
    class Client implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LO, 0));
        final String user;
        final byte[] key;
        String nonce;
        InetSocketAddress relayed;

        Client(String user, String password) throws IOException {
            this.user = user;
            this.key = RelayConfig.key(user, REALM, password);
            socket.setSoTimeout(2000);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void send(byte[] b) throws IOException {
            socket.send(new DatagramPacket(b, b.length, server.address()));
        }

        byte[] receive() throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        }

        /** Nothing arrives within 300 ms. */
        void receivesNothing() throws IOException {
            socket.setSoTimeout(300);
            try {
                byte[] b = receive();
                fail("expected silence, got " + b.length + " bytes: " + StunMessage.parse(b, b.length));
            } catch (SocketTimeoutException expected) {
                // silence
            } finally {
                socket.setSoTimeout(2000);
            }
        }

        StunMessage transact(StunMessage request, byte[] integrity) throws IOException {
            send(request.encode(integrity, true));
            byte[] r = receive();
            StunMessage m = StunMessage.parse(r, r.length);
            assertNotNull(m);
            assertTrue(m.hasTransactionId(request.transactionId()));
            assertTrue(m.fingerprintValid(), "every response has a FINGERPRINT");
            return m;
        }

        /** Sends a request authenticated with the current nonce (fetching one first if needed). */
        StunMessage authenticated(int method, java.util.function.Consumer<StunMessage> attributes) throws IOException {
            if (nonce == null) {
                StunMessage first = StunMessage.of(method, Stun.REQUEST, id());
                attributes.accept(first);
                StunMessage r = transact(first, null);
                assertEquals(401, r.errorCode().code());
                assertEquals(REALM, r.text(Stun.REALM));
                nonce = r.text(Stun.NONCE);
            }
            StunMessage m = StunMessage.of(method, Stun.REQUEST, id())
                    .add(Stun.USERNAME, user)
                    .add(Stun.REALM, REALM)
                    .add(Stun.NONCE, nonce);
            attributes.accept(m);
            return transact(m, key);
        }

        StunMessage allocate() throws IOException {
            StunMessage r =
                    authenticated(Stun.ALLOCATE, m -> m.addInt(Stun.REQUESTED_TRANSPORT, Stun.PROTOCOL_UDP << 24));
            if (r.cls() == Stun.SUCCESS_RESPONSE) {
                assertTrue(r.integrityValid(key), "a success response is authenticated");
                relayed = r.address(Stun.XOR_RELAYED_ADDRESS);
                assertEquals(address(), r.address(Stun.XOR_MAPPED_ADDRESS));
            }
            return r;
        }

        void permit(InetSocketAddress peer) throws IOException {
            StunMessage r = authenticated(Stun.CREATE_PERMISSION, m -> m.add(Stun.XOR_PEER_ADDRESS, peer));
            assertEquals(Stun.SUCCESS_RESPONSE, r.cls(), () -> "CreatePermission: " + r.errorCode());
        }

        StunMessage bind(int channel, InetSocketAddress peer) throws IOException {
            return authenticated(
                    Stun.CHANNEL_BIND,
                    m -> m.addInt(Stun.CHANNEL_NUMBER, channel << 16).add(Stun.XOR_PEER_ADDRESS, peer));
        }

        void sendIndication(InetSocketAddress peer, byte[] data) throws IOException {
            send(StunMessage.of(Stun.SEND, Stun.INDICATION, id())
                    .add(Stun.XOR_PEER_ADDRESS, peer)
                    .add(Stun.DATA_ATTRIBUTE, data)
                    .encode(null, false));
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * Counter {@code name} once it reaches {@code expected} (at most 2 s): a reader counts a datagram
     * after its send returns, which may be after the datagram arrived and the test went on.
     */
    long counted(String name, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        long v;
        while ((v = server.counters().get(name)) < expected && System.nanoTime() < deadline) Thread.sleep(5);
        return v;
    }

    static byte[] id() {
        byte[] id = new byte[Stun.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    static DatagramSocket peer() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0));
        s.setSoTimeout(2000);
        return s;
    }

    static byte[] receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed * 31 + i);
        return b;
    }

    @Test
    void bindingAnswersTheMappedAddressWithoutCredentials() throws IOException {
        start();
        try (Client c = new Client("u", "p")) {
            StunMessage r = c.transact(StunMessage.of(Stun.BINDING, Stun.REQUEST, id()), null);
            assertEquals(Stun.SUCCESS_RESPONSE, r.cls());
            assertEquals(c.address(), r.address(Stun.XOR_MAPPED_ADDRESS));
            StunMessage change = c.transact(
                    StunMessage.of(Stun.BINDING, Stun.REQUEST, id()).addInt(Stun.CHANGE_REQUEST, Stun.CHANGE_IP), null);
            assertEquals(420, change.errorCode().code(), "no second address: RFC 5780 not served");
        }
    }

    @Test
    void authenticationFailuresGetTheRfcsAnswers() throws IOException {
        start();
        try (Client wrong = new Client("u", "wrong");
                Client stranger = new Client("nobody", "p");
                Client c = new Client("u", "p")) {
            assertEquals(401, wrong.allocate().errorCode().code(), "wrong password");
            assertEquals(401, stranger.allocate().errorCode().code(), "unknown user");
            assertNull(wrong.relayed);
            // a forged nonce is as good as a stale one: 438 with a fresh nonce, then success
            c.nonce = "0000000000001234567890abcdef12345678";
            StunMessage r = c.allocate();
            assertEquals(438, r.errorCode().code());
            c.nonce = r.text(Stun.NONCE);
            assertNotNull(c.nonce);
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            // USERNAME without NONCE: 400
            StunMessage bad =
                    c.transact(StunMessage.of(Stun.REFRESH, Stun.REQUEST, id()).add(Stun.USERNAME, "u"), c.key);
            assertEquals(400, bad.errorCode().code());
            assertEquals(1, server.allocations());
            assertTrue(server.counters().get("unauthenticated") >= 3);
        }
    }

    @Test
    void nonceGoesStaleAfterItsLifetime() throws Exception {
        start(new RelayConfig.Lifetimes(600_000, 3_600_000, 300_000, 600_000, 400), 10);
        try (Client c = new Client("u", "p")) {
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            Thread.sleep(500);
            StunMessage r = c.authenticated(Stun.REFRESH, m -> {});
            assertEquals(438, r.errorCode().code());
            assertFalse(r.has(Stun.MESSAGE_INTEGRITY), "438 carries no MESSAGE-INTEGRITY (RFC 8489 §9.2.4)");
            c.nonce = r.text(Stun.NONCE);
            assertEquals(
                    Stun.SUCCESS_RESPONSE,
                    c.authenticated(Stun.REFRESH, m -> {}).cls());
        }
    }

    @Test
    void allocateRetransmissionMismatchAndQuota() throws IOException {
        start(RelayConfig.Lifetimes.RFC, 1);
        try (Client c = new Client("u", "p");
                Client d = new Client("u", "p")) {
            StunMessage first = c.allocate();
            assertEquals(Stun.SUCCESS_RESPONSE, first.cls());
            // the same request again (a retransmission): the same answer
            StunMessage again = StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, first.transactionId())
                    .add(Stun.USERNAME, "u")
                    .add(Stun.REALM, REALM)
                    .add(Stun.NONCE, c.nonce)
                    .addInt(Stun.REQUESTED_TRANSPORT, Stun.PROTOCOL_UDP << 24);
            StunMessage r = c.transact(again, c.key);
            assertEquals(Stun.SUCCESS_RESPONSE, r.cls());
            assertEquals(c.relayed, r.address(Stun.XOR_RELAYED_ADDRESS));
            // a new Allocate on the same 5-tuple: 437
            assertEquals(437, c.allocate().errorCode().code());
            // the user's quota is one allocation: 486 for the second client
            assertEquals(486, d.allocate().errorCode().code());
            assertEquals(1, server.allocations());
        }
    }

    @Test
    void requestsWithoutAnAllocationGet437AndOtherUsers441() throws IOException {
        start();
        try (Client c = new Client("u", "p");
                Client v = new Client("v", "q")) {
            assertEquals(437, c.authenticated(Stun.REFRESH, m -> {}).errorCode().code());
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            // another user's credentials on c's 5-tuple
            v.nonce = c.nonce;
            StunMessage r = c.transact(
                    StunMessage.of(Stun.REFRESH, Stun.REQUEST, id())
                            .add(Stun.USERNAME, "v")
                            .add(Stun.REALM, REALM)
                            .add(Stun.NONCE, c.nonce),
                    v.key);
            assertEquals(441, r.errorCode().code());
        }
    }

    @Test
    void permissionsGateBothDirectionsAndIndicationsCarryTheData() throws IOException {
        start();
        try (Client c = new Client("u", "p");
                DatagramSocket peer = peer()) {
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            // no permission yet: nothing goes either way
            c.sendIndication(peerAddress, payload(100, 1));
            peer.send(new DatagramPacket(payload(50, 2), 50, c.relayed));
            c.receivesNothing();
            assertTrue(server.counters().get("dropped_no_permission") >= 2);
            c.permit(peerAddress);
            // Send indication → the peer gets the data from the relayed address
            c.sendIndication(peerAddress, payload(100, 3));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            peer.receive(p);
            assertEquals(c.relayed, p.getSocketAddress());
            assertArrayEquals(payload(100, 3), Arrays.copyOf(p.getData(), p.getLength()));
            // the peer answers → a Data indication naming the peer
            peer.send(new DatagramPacket(payload(60, 4), 60, c.relayed));
            byte[] d = c.receive();
            StunMessage data = StunMessage.parse(d, d.length);
            assertEquals(Stun.messageType(Stun.DATA, Stun.INDICATION), data.type());
            assertEquals(peerAddress, data.address(Stun.XOR_PEER_ADDRESS));
            assertArrayEquals(payload(60, 4), data.attribute(Stun.DATA_ATTRIBUTE));
            assertEquals(1, server.counters().get("data_indications"), "no channel: the slow path, counted");
        }
    }

    @Test
    void channelDataBothWays() throws Exception {
        start();
        try (Client c = new Client("u", "p");
                DatagramSocket peer = peer()) {
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(400, c.bind(0x3FFF, peerAddress).errorCode().code(), "channel below 0x4000");
            assertEquals(Stun.SUCCESS_RESPONSE, c.bind(0x4001, peerAddress).cls());
            assertEquals(Stun.SUCCESS_RESPONSE, c.bind(0x4001, peerAddress).cls(), "a refresh of the same binding");
            assertEquals(400, c.bind(0x4002, peerAddress).errorCode().code(), "the peer has a channel already");
            // ChannelData on a channel never bound: dropped
            c.send(ChannelData.frame(0x4005, payload(10, 0), 0, 10));
            for (int i = 0; i < 20; i++) {
                byte[] data = payload(1200 + i, i);
                c.send(ChannelData.frame(0x4001, data, 0, data.length)); // padded to 4: allowed
                assertArrayEquals(data, receive(peer));
                peer.send(new DatagramPacket(data, data.length, c.relayed));
                byte[] back = c.receive();
                assertEquals(0x4001, ChannelData.channel(back));
                assertEquals(data.length, ChannelData.dataLength(back));
                assertArrayEquals(data, Arrays.copyOfRange(back, 4, 4 + data.length));
            }
            assertEquals(1, server.counters().get("dropped_no_channel"));
            assertEquals(20, counted("to_peers", 20));
            assertEquals(0, server.counters().get("data_indications"), "a bound channel: all ChannelData");
        }
    }

    @Test
    void twoAllocationsOnThisServerTalkInOneHop() throws Exception {
        start();
        try (Client a = new Client("u", "p");
                Client b = new Client("v", "q")) {
            assertEquals(Stun.SUCCESS_RESPONSE, a.allocate().cls());
            assertEquals(Stun.SUCCESS_RESPONSE, b.allocate().cls());
            assertEquals(Stun.SUCCESS_RESPONSE, a.bind(0x4000, b.relayed).cls());
            // b has not permitted a's relayed address yet: dropped
            a.send(ChannelData.frame(0x4000, payload(40, 1), 0, 40));
            b.receivesNothing();
            assertEquals(Stun.SUCCESS_RESPONSE, b.bind(0x4123, a.relayed).cls());
            for (int i = 0; i < 10; i++) {
                byte[] data = payload(1400, i);
                a.send(ChannelData.frame(0x4000, data, 0, data.length));
                byte[] got = b.receive();
                assertEquals(0x4123, ChannelData.channel(got), "b's own channel for a");
                assertArrayEquals(data, Arrays.copyOfRange(got, 4, got.length));
                b.send(ChannelData.frame(0x4123, data, 0, data.length));
                assertArrayEquals(data, Arrays.copyOfRange(a.receive(), 4, 4 + data.length));
            }
            assertEquals(20, counted("relay_to_relay", 20));
            assertEquals(0, server.counters().get("to_peers"), "nothing left through a relayed socket");
        }
    }

    @Test
    void lifetimesLapseAndRefreshToZeroEndsTheAllocation() throws Exception {
        start(new RelayConfig.Lifetimes(1500, 3000, 1000, 1000, 60_000), 10);
        try (Client c = new Client("u", "p");
                Client d = new Client("u", "p");
                DatagramSocket peer = peer()) {
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
            assertEquals(Stun.SUCCESS_RESPONSE, d.allocate().cls());
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(Stun.SUCCESS_RESPONSE, c.bind(0x4000, peerAddress).cls());
            c.send(ChannelData.frame(0x4000, payload(30, 1), 0, 30));
            assertArrayEquals(payload(30, 1), receive(peer));
            StunMessage zero = d.authenticated(Stun.REFRESH, m -> m.addInt(Stun.LIFETIME, 0));
            assertEquals(0, zero.uint32(Stun.LIFETIME));
            assertEquals(1, server.allocations(), "d's allocation deleted at once");
            Thread.sleep(1300); // channel and permission (1 s) lapsed; the allocation (1.5 s) not yet
            c.send(ChannelData.frame(0x4000, payload(30, 2), 0, 30));
            peer.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> receive(peer));
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (server.allocations() > 0 && System.nanoTime() < deadline) Thread.sleep(100);
            assertEquals(0, server.allocations(), "the sweep ended the lapsed allocation");
            assertEquals(437, c.authenticated(Stun.REFRESH, m -> {}).errorCode().code());
        }
    }

    /** Answers that need no credentials (Binding, 401) are limited per source: no reflector for spoofed sources. */
    @Test
    void unauthenticatedAnswersAreLimitedPerSource() throws Exception {
        start();
        try (Client c = new Client("u", "p")) {
            int sent = 200;
            for (int i = 0; i < sent; i++)
                c.send(StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, id()).encode(null, true));
            int answered = 0;
            c.socket.setSoTimeout(300);
            try {
                while (true) {
                    c.receive();
                    answered++;
                }
            } catch (java.net.SocketTimeoutException done) {
                c.socket.setSoTimeout(2000);
            }
            // the burst (20) and what 20/s refills while the requests arrive
            assertTrue(answered >= 10 && answered <= 40, "answered " + answered + " of " + sent);
            assertEquals(sent - answered, server.counters().get("unanswered_rate_limited"));
            Thread.sleep(1100); // a second later the source has its share again: the client still gets in
            assertEquals(Stun.SUCCESS_RESPONSE, c.allocate().cls());
        }
    }

    /** Many sources, each within its own share: together they get no more than the relay's total. */
    @Test
    void unauthenticatedAnswersAreLimitedInAll() throws Exception {
        start();
        int sources = 100, each = TurnRequests.ANSWERS_PER_SECOND; // 2,000: every source within its share
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < sources; i++) // 127.0.0.0/8 is all loopback: one address per source
            sockets.add(new DatagramSocket(new InetSocketAddress("127.0.1." + (i + 1), 0)));
            long t0 = System.nanoTime();
            for (int j = 0; j < each; j++) {
                for (DatagramSocket s : sockets) {
                    byte[] b = StunMessage.of(Stun.BINDING, Stun.REQUEST, id()).encode(null, true);
                    s.send(new DatagramPacket(b, b.length, server.address()));
                }
                Thread.sleep(1); // rounds of 100: the relay's socket buffer never overflows
            }
            Thread.sleep(500);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int answered = 0;
            byte[] buf = new byte[2048];
            for (DatagramSocket s : sockets) {
                s.setSoTimeout(1);
                try {
                    while (true) {
                        s.receive(new DatagramPacket(buf, buf.length));
                        answered++;
                    }
                } catch (SocketTimeoutException drained) {
                    // next socket
                }
            }
            int sent = sources * each, all = TurnRequests.ALL_ANSWERS_PER_SECOND;
            // the total's burst and at most what it refills while the requests arrive and are
            // handled; without the total every one of the 2,000 would be answered
            assertTrue(
                    answered >= all && answered <= all + all * seconds && answered < sent,
                    "answered " + answered + " of " + sent + " in " + seconds + " s");
            assertEquals(sent - answered, server.counters().get("unanswered_rate_limited"));
        } finally {
            for (DatagramSocket s : sockets) s.close();
        }
    }

    @Test
    void junkIsDroppedAndCountedNeverAnswered() throws IOException {
        start();
        try (Client c = new Client("u", "p")) {
            c.send(new byte[] {(byte) 0xFF, 1, 2, 3});
            c.send(new byte[] {0x40, 0x00, 0x10, 0x00, 1, 2}); // ChannelData longer than the datagram
            byte[] binding = StunMessage.of(Stun.BINDING, Stun.REQUEST, id()).encode(null, true);
            binding[binding.length - 1] ^= 1; // FINGERPRINT wrong
            c.send(binding);
            c.send(ChannelData.frame(0x4000, payload(8, 0), 0, 8)); // no allocation
            c.receivesNothing();
            assertEquals(3, server.counters().get("dropped_malformed"));
            assertEquals(1, server.counters().get("dropped_no_allocation"));
        }
    }
}
