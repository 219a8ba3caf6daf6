package jwg.ice.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import jwg.ice.doctor.StunClient.Reply;
import jwg.ice.stun.MessageIntegrity;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * Checks a TURN server (RFC 5766) with long-term credentials: an unauthenticated Allocate (the
 * server answers 401 with REALM and NONCE), the authenticated Allocate (MESSAGE-INTEGRITY keyed
 * with MD5(username:realm:password); one retry on 438 Stale Nonce), then the allocation is deleted
 * again (Refresh with LIFETIME 0). Runs over a socket of its own; the password is never printed.
 *
 * <p>Why not ice4j's TURN client: its {@code TurnCandidateHarvest} exists only as part of
 * harvesting a {@code HostCandidate} of an agent's component (it needs the agent's StunStack and
 * sockets), reports a rejected Allocate only to its log (no error code or reason to explain), and
 * keeps the allocation refreshed until the agent closes — a one-shot "allocate, say why not,
 * delete" check needs none of that. The messages come from the one codec in {@code jwg.ice.stun}.
 */
final class TurnCheck {
    static final int UNAUTHORIZED = 401, STALE_NONCE = 438;
    static final int LIFETIME_ZERO = 0;

    /** What the check found. */
    sealed interface Outcome {
        /** The server allocated a relayed address (and {@code released} tells whether it was deleted again). */
        record Allocated(
                InetSocketAddress relayed,
                InetSocketAddress mapped,
                long lifetimeSeconds,
                long rttMillis,
                boolean released)
                implements Outcome {}

        /** The server answered with an error. */
        record Rejected(int code, String reason, String meaning) implements Outcome {}

        /** No answer (or no usable one). */
        record Unreachable(String why) implements Outcome {}
    }

    private TurnCheck() {}

    static Outcome check(
            InetAddress localAddress, int fwmark, InetSocketAddress server, String username, String password) {
        try (StunClient c = new StunClient(localAddress, fwmark)) {
            return new Session(c, server, username, password).run();
        } catch (IOException e) {
            return new Outcome.Unreachable("no local socket: " + e.getMessage());
        }
    }

    /** One check's state: the realm, nonce and key once the server told us the realm. */
    private static final class Session {
        private final StunClient client;
        private final InetSocketAddress server;
        private final String username, password;
        private String realm, nonce;
        private byte[] key;

        Session(StunClient client, InetSocketAddress server, String username, String password) {
            this.client = client;
            this.server = server;
            this.username = username;
            this.password = password;
        }

        Outcome run() {
            long start = System.nanoTime();
            Reply first = client.transact(server, allocate(), null, true);
            if (!(first instanceof Reply.Answer a)) return new Outcome.Unreachable(NatDiscovery.why(first));
            StunMessage m = a.message();
            if (m.cls() == Stun.ERROR_RESPONSE) {
                StunMessage.ErrorCode e = m.errorCode();
                if (e == null || e.code() != UNAUTHORIZED || !learnRealm(m)) return rejected(m);
                m = authenticated(allocate());
                if (m == null) return new Outcome.Unreachable("no response to the authenticated Allocate");
            }
            if (m.cls() != Stun.SUCCESS_RESPONSE) return rejected(m);
            if (key != null && m.has(Stun.MESSAGE_INTEGRITY) && !m.integrityValid(key))
                return new Outcome.Rejected(0, "", "the success response failed its MESSAGE-INTEGRITY check");
            InetSocketAddress relayed = m.address(Stun.XOR_RELAYED_ADDRESS);
            if (relayed == null) return new Outcome.Rejected(0, "", "the success response has no XOR-RELAYED-ADDRESS");
            long rtt = (System.nanoTime() - start) / 1_000_000;
            return new Outcome.Allocated(
                    relayed, m.address(Stun.XOR_MAPPED_ADDRESS), m.uint32(Stun.LIFETIME), rtt, release());
        }

        private StunMessage allocate() {
            return StunMessage.of(Stun.ALLOCATE, Stun.REQUEST, client.newTransactionId())
                    .addInt(Stun.REQUESTED_TRANSPORT, Stun.PROTOCOL_UDP << 24);
        }

        /** Sends {@code request} with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY; once more on 438. Null: no answer. */
        private StunMessage authenticated(StunMessage request) {
            for (int attempt = 0; attempt < 2; attempt++) {
                StunMessage signed = withCredentials(request);
                Reply r = client.transact(server, signed, key, true);
                if (!(r instanceof Reply.Answer a)) return null;
                StunMessage.ErrorCode e = a.message().errorCode();
                boolean stale = a.message().cls() == Stun.ERROR_RESPONSE && e != null && e.code() == STALE_NONCE;
                if (!stale || attempt == 1 || !learnRealm(a.message())) return a.message();
            }
            return null;
        }

        /** A copy of {@code base}'s attributes with the credentials and a fresh transaction ID. */
        private StunMessage withCredentials(StunMessage base) {
            StunMessage m = StunMessage.of(base.method(), Stun.REQUEST, client.newTransactionId());
            for (StunMessage.Attribute a : base.attributes()) m.add(a.type(), a.value());
            return m.add(Stun.USERNAME, username).add(Stun.REALM, realm).add(Stun.NONCE, nonce);
        }

        private boolean learnRealm(StunMessage m) {
            String r = m.text(Stun.REALM), n = m.text(Stun.NONCE);
            if (n == null || (r == null && realm == null)) return false;
            if (r != null) realm = r;
            nonce = n;
            key = MessageIntegrity.longTermKey(username, realm, password);
            return true;
        }

        /** Deletes the allocation: Refresh with LIFETIME 0 (RFC 5766 §7). */
        private boolean release() {
            if (key == null) return false;
            StunMessage refresh = StunMessage.of(Stun.REFRESH, Stun.REQUEST, client.newTransactionId())
                    .addInt(Stun.LIFETIME, LIFETIME_ZERO);
            StunMessage r = authenticated(refresh);
            return r != null && r.cls() == Stun.SUCCESS_RESPONSE;
        }

        private Outcome rejected(StunMessage m) {
            StunMessage.ErrorCode e = m.errorCode();
            if (e == null) return new Outcome.Rejected(0, "", "an error response without ERROR-CODE");
            return new Outcome.Rejected(e.code(), e.reason(), meaning(e.code(), realm));
        }
    }

    /** What an error code means for the user. */
    static String meaning(int code, String realm) {
        return switch (code) {
            case UNAUTHORIZED ->
                "bad credentials: the username or password is wrong" + (realm == null ? "" : " for realm " + realm);
            case STALE_NONCE -> "the server keeps rejecting the nonce as stale";
            case 403 -> "forbidden: the server does not allow this client";
            case 437 -> "allocation mismatch";
            case 442 -> "the server does not relay UDP";
            case 486 -> "allocation quota reached for this user";
            case 508 -> "the server is out of relay capacity";
            default -> "the server refused the allocation";
        };
    }
}
