package jwg.ice;

import java.net.InetSocketAddress;
import jwg.ice.punch.PunchConsent;
import jwg.ice.punch.PunchSocket;

/**
 * A pair a birthday punch opened, as the peer's WireGuard path: where the device sends the peer's
 * datagrams, and the pair's liveness ({@link PunchConsent}: a check each way every second, driven
 * by the control thread's {@link #tick}). The easy side's pair is the device's own port ({@link
 * OnDevice}); the hard side's is the punch's winning socket, joined to the device through a loopback
 * proxy ({@link PunchProxy}).
 */
sealed interface BirthdayPath extends AutoCloseable permits BirthdayPath.OnDevice, PunchProxy {
    /** A consent check goes over the pair this often. */
    long CHECK_EVERY_NANOS = 1_000_000_000L;

    /** Where the device sends the peer's datagrams. */
    InetSocketAddress endpoint();

    /** The peer's side of the pair (its public address and port). */
    InetSocketAddress remote();

    /** Our side of the pair, for status ({@code *:PORT}). */
    String local();

    PunchConsent consent();

    /** Control thread, every tick: consent checks due, and (easy side) the checks and answers that arrived. */
    void tick(long now);

    @Override
    void close();

    /** The easy side: the device's port itself; WireGuard goes straight to the peer's punched port. */
    final class OnDevice implements BirthdayPath {
        private final DevicePunchSocket socket;
        private final InetSocketAddress remote;
        private final PunchConsent consent;
        private long nextCheck;

        OnDevice(DevicePunchSocket socket, InetSocketAddress remote, PunchConsent consent) {
            this.socket = socket;
            this.remote = remote;
            this.consent = consent;
            this.nextCheck = System.nanoTime();
        }

        @Override
        public InetSocketAddress endpoint() {
            return remote;
        }

        @Override
        public InetSocketAddress remote() {
            return remote;
        }

        @Override
        public String local() {
            return "*:" + socket.local().getPort();
        }

        @Override
        public PunchConsent consent() {
            return consent;
        }

        @Override
        public void tick(long now) {
            try {
                for (PunchSocket.Datagram d = socket.receive(0); d != null; d = socket.receive(0)) {
                    byte[] answer = consent.onDatagram(d.data(), d.length(), d.from());
                    if (answer != null) socket.send(answer, d.from());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (now - nextCheck >= 0) {
                socket.send(consent.request(), remote);
                nextCheck = now + CHECK_EVERY_NANOS;
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
