package jwg.ice.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import jwg.ice.MarkedSocket;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * A STUN client for diagnostics over a UDP socket of its own (never the device's): one request at
 * a time, retransmitted on a bounded schedule (RFC 5389 §7.2.1, shortened: three tries, 1.5 s in
 * all). Responses are accepted from any source address (RFC 5780 answers come from the alternate
 * address) but only with the request's transaction ID and a well-formed encoding; anything else is
 * dropped. Nothing throws: a failure is a {@link Reply.NoAnswer}.
 */
final class StunClient implements AutoCloseable {
    /** Per-try timeouts; their sum bounds one transaction. */
    static final int[] RETRANSMISSION_TIMEOUTS_MS = {250, 500, 750};

    private static final int MAX_DATAGRAM = 1500;

    /** The outcome of one transaction. */
    sealed interface Reply {
        /** A response (success or error) and where it came from. */
        record Answer(StunMessage message, InetSocketAddress from, long rttMicros) implements Reply {}

        /** No usable response: timed out, or the request could not be sent. */
        record NoAnswer(String why) implements Reply {}
    }

    private final DatagramSocket socket;
    private final SecureRandom random = new SecureRandom();
    private final int[] timeouts;

    /**
     * Binds an ephemeral port on {@code localAddress} (null: the wildcard address); its packets
     * carry {@code fwmark} (the device's, so they take the path the tunnel's own packets take; 0: none).
     */
    StunClient(InetAddress localAddress, int fwmark) throws IOException {
        this(localAddress, fwmark, RETRANSMISSION_TIMEOUTS_MS);
    }

    StunClient(InetAddress localAddress, int fwmark, int[] timeouts) throws IOException {
        this.socket = MarkedSocket.open(
                new InetSocketAddress(localAddress == null ? InetAddress.getByName("0.0.0.0") : localAddress, 0),
                fwmark);
        this.timeouts = timeouts.clone();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    byte[] newTransactionId() {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return id;
    }

    /** A Binding request, with CHANGE-REQUEST {@code changeFlags} if non-zero. */
    Reply binding(InetSocketAddress server, int changeFlags) {
        StunMessage m = StunMessage.of(Stun.BINDING, Stun.REQUEST, newTransactionId());
        if (changeFlags != 0) m.addInt(Stun.CHANGE_REQUEST, changeFlags);
        return transact(server, m, null, true);
    }

    /** Sends {@code request} (signed with {@code key} if non-null) until a matching response arrives. */
    Reply transact(InetSocketAddress server, StunMessage request, byte[] key, boolean fingerprint) {
        byte[] wire = request.encode(key, fingerprint);
        byte[] id = request.transactionId();
        byte[] buf = new byte[MAX_DATAGRAM];
        long start = System.nanoTime();
        try {
            for (int timeout : timeouts) {
                socket.send(new DatagramPacket(wire, wire.length, server));
                long deadline = System.nanoTime() + timeout * 1_000_000L;
                Reply r = await(id, request.method(), buf, deadline, start);
                if (r != null) return r;
            }
        } catch (IOException | RuntimeException e) {
            return new Reply.NoAnswer("send to " + server + " failed: " + e.getMessage());
        }
        long total = 0;
        for (int t : timeouts) total += t;
        return new Reply.NoAnswer("no response from " + server + " in " + total + " ms");
    }

    private Reply await(byte[] id, int method, byte[] buf, long deadline, long start) throws IOException {
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return null;
            socket.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (!Stun.isMessage(buf, p.getLength()) || !Stun.hasTransactionId(buf, id))
                continue; // read in place: junk costs nothing
            StunMessage m = StunMessage.parse(buf, p.getLength());
            if (m == null || !m.hasTransactionId(id) || m.method() != method) continue;
            int cls = m.cls();
            if (cls != Stun.SUCCESS_RESPONSE && cls != Stun.ERROR_RESPONSE) continue;
            if (m.has(Stun.FINGERPRINT) && !m.fingerprintValid()) continue;
            return new Reply.Answer(m, (InetSocketAddress) p.getSocketAddress(), (System.nanoTime() - start) / 1000);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
