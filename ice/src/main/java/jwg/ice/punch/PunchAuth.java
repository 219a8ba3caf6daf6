package jwg.ice.punch;

import java.nio.charset.StandardCharsets;

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

    @Override
    public String toString() {
        return "PunchAuth[" + localUfrag + " <-> " + remoteUfrag + ", passwords hidden]";
    }
}
