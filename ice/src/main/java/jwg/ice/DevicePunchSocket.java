package jwg.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import jwg.ice.punch.PunchSocket;

/**
 * The easy side's punch on the device's own UDP port: registered with the {@link StunMux} under
 * the punch's ufrag (the agent's plus {@link PeerPunch#UFRAG_SUFFIX}), so the peer's probes
 * ({@code USERNAME punchUfrag:peerPunchUfrag}) come here rather than to the ICE agent, answers to
 * our probes by their transaction IDs, and everything goes out through the device's socket: the
 * reflexive address the peer sprays toward is the device port's, and the punched pair is the
 * device's. After the punch it carries the pair's consent checks ({@link BirthdayPath.OnDevice}).
 */
final class DevicePunchSocket extends SharedSocket implements PunchSocket {
    private final StunMux mux;

    private DevicePunchSocket(StunMux mux) throws SocketException {
        super(mux, new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), mux.port()));
        this.mux = mux;
    }

    /** A socket for the punch with local ufrag {@code ufrag}, registered until closed. */
    static DevicePunchSocket open(StunMux mux, String ufrag) throws SocketException {
        DevicePunchSocket s = new DevicePunchSocket(mux);
        mux.register(ufrag, s);
        return s;
    }

    @Override
    public void send(byte[] datagram, InetSocketAddress to) {
        if (isClosed()) return;
        try {
            mux.send(this, datagram, 0, datagram.length, to);
        } catch (IOException e) {
            // unroutable right now: a lost probe, as on the wire
        }
    }

    @Override
    public Datagram receive(long waitNanos) throws InterruptedException {
        Inbound in = poll(waitNanos);
        return in == null ? null : new Datagram(in.data(), in.data().length, in.from());
    }
}
