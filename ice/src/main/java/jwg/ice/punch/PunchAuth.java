package jwg.ice.punch;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * The credentials both sides agreed on over signaling (ICE's ufrag and password of each side). A
 * probe to the peer carries USERNAME {@code remoteUfrag:localUfrag} and a MESSAGE-INTEGRITY keyed
 * by the peer's password; an answer is keyed by the answerer's own password, as in ICE (RFC 8445
 * §7.2.2). Passwords are never printed ({@link #toString()}).
 */
public record PunchAuth(String localUfrag, String localPassword, String remoteUfrag, String remotePassword) {
    public PunchAuth {
        if (localUfrag.isEmpty() || remoteUfrag.isEmpty() || localUfrag.contains(":") || remoteUfrag.contains(":"))
            throw new IllegalArgumentException("ufrags must be non-empty and without ':'");
        if (localPassword.isEmpty() || remotePassword.isEmpty())
            throw new IllegalArgumentException("passwords must be non-empty");
    }

    /** The same session seen from the peer. */
    public PunchAuth reversed() {
        return new PunchAuth(remoteUfrag, remotePassword, localUfrag, localPassword);
    }

    byte[] localKey() {
        return localPassword.getBytes(StandardCharsets.UTF_8);
    }

    byte[] remoteKey() {
        return remotePassword.getBytes(StandardCharsets.UTF_8);
    }

    /** USERNAME of the requests we send. */
    String outgoingUsername() {
        return remoteUfrag + ":" + localUfrag;
    }

    /** USERNAME of the requests the peer sends us. */
    String incomingUsername() {
        return localUfrag + ":" + remoteUfrag;
    }

    /** A Binding request to the peer with transaction ID {@code tx} (USE-CANDIDATE when {@code nominate}). */
    byte[] request(byte[] tx, boolean nominate) {
        StunMessage m = StunMessage.of(Stun.BINDING, Stun.REQUEST, tx).add(Stun.USERNAME, outgoingUsername());
        if (nominate) m.add(BirthdayPunch.USE_CANDIDATE, new byte[0]);
        return m.encode(remoteKey(), true);
    }

    /** The Binding success answering request {@code tx} from {@code to}. */
    byte[] answer(byte[] tx, InetSocketAddress to) {
        return StunMessage.of(Stun.BINDING, Stun.SUCCESS_RESPONSE, tx)
                .add(Stun.XOR_MAPPED_ADDRESS, to)
                .encode(localKey(), true);
    }

    /** Whether {@code m} (a Binding request with a valid FINGERPRINT) is the peer's: its USERNAME and MESSAGE-INTEGRITY. */
    boolean fromPeer(StunMessage m) {
        return incomingUsername().equals(m.text(Stun.USERNAME)) && m.integrityValid(localKey());
    }

    /** Whether {@code m} (a Binding success) carries the peer's MESSAGE-INTEGRITY. */
    boolean answeredByPeer(StunMessage m) {
        return m.integrityValid(remoteKey());
    }

    @Override
    public String toString() {
        return "PunchAuth[" + localUfrag + " <-> " + remoteUfrag + ", passwords hidden]";
    }
}
