package jwg.ice.punch;

import java.net.InetSocketAddress;

/**
 * A socket the easy side can punch from that is not a {@code DatagramChannel} of the punch's own:
 * the device's UDP port, whose STUN datagrams for the punch arrive through a queue (the reflexive
 * address the peer was given is that port's). Sends are fire-and-forget, as on the wire.
 */
public interface PunchSocket {
    /** One received datagram: {@code data[0, length)} from {@code from}. */
    record Datagram(byte[] data, int length, InetSocketAddress from) {}

    void send(byte[] datagram, InetSocketAddress to);

    /** The next datagram, waiting at most {@code waitNanos} (0: only one already there); null when none came. */
    Datagram receive(long waitNanos) throws InterruptedException;
}
