package jwg.ice.punch;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import jwg.tun.ip.IpText;

/**
 * The server-reflexive address of a socket the punch will use: a STUN Binding request from that
 * very socket (its NAT mapping is what the peer must hit), resent until an answer with our
 * transaction id and an XOR-MAPPED-ADDRESS arrives. Blocking; the socket's read timeout is left at
 * {@code timeoutMillis}.
 */
public final class ReflexiveAddress {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReflexiveAddress() {}

    /** Asks {@code server} up to {@code attempts} times, waiting {@code timeoutMillis} for each answer. */
    public static InetSocketAddress lookup(DatagramChannel c, InetSocketAddress server, int attempts, int timeoutMillis)
            throws IOException {
        byte[] tx = new byte[Stun.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(tx);
        byte[] req = StunMessage.of(Stun.BINDING, Stun.REQUEST, tx).encode(null, true);
        c.socket().setSoTimeout(timeoutMillis);
        byte[] b = new byte[1500];
        for (int i = 0; i < attempts; i++) {
            c.send(ByteBuffer.wrap(req), server);
            DatagramPacket p = new DatagramPacket(b, b.length);
            try {
                c.socket().receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            StunMessage m = StunMessage.parse(b, p.getLength());
            if (m != null && m.hasTransactionId(tx) && m.address(Stun.XOR_MAPPED_ADDRESS) != null)
                return m.address(Stun.XOR_MAPPED_ADDRESS);
        }
        throw new IOException("no STUN answer from " + IpText.hostPort(server));
    }
}
