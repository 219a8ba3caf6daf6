package jwg.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * The socket of an agent's relayed candidate on the device's own allocation ({@link TurnRelay}):
 * what ice4j sends (its checks) leaves as a TURN Send indication to the peer, and what the relay
 * delivers for this agent (Data indications, ChannelData that is not WireGuard) is queued for
 * ice4j to receive, from the peer's address. Its local address is the allocation's relayed one.
 */
final class RelaySocket extends SharedSocket {
    private final TurnRelay relay;
    private final String ufrag;

    RelaySocket(StunMux mux, TurnRelay relay, String ufrag) throws SocketException {
        super(mux, relay.relayed());
        this.relay = relay;
        this.ufrag = ufrag;
        relay.attach(this);
    }

    String ufrag() {
        return ufrag;
    }

    @Override
    public void send(DatagramPacket p) throws IOException {
        if (isClosed()) throw new SocketException("Socket closed");
        relay.sendIndication(this, (InetSocketAddress) p.getSocketAddress(), p.getData(), p.getOffset(), p.getLength());
    }

    @Override
    public void close() {
        relay.detach(this);
        super.close();
    }
}
