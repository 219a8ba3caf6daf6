package jwg.ice;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The STUN and TURN servers a node uses (configured explicitly: jwg never reaches out to a
 * server nobody named). TURN uses long-term credentials; the password is never printed.
 */
public record IceServers(List<InetSocketAddress> stun, List<Turn> turn) {
    public static final IceServers NONE = new IceServers(List.of(), List.of());

    public IceServers {
        stun = List.copyOf(stun);
        turn = List.copyOf(turn);
    }

    /** A TURN server (UDP) with its long-term credential. */
    public record Turn(InetSocketAddress address, String username, String password) {
        @Override
        public String toString() {
            return "Turn[" + address + ", user=" + username + ", password=(redacted)]";
        }
    }
}
