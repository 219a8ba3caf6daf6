package jwg.ice.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jwg.ice.MarkedSocket;
import jwg.ice.doctor.StunClient.Reply;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;

/**
 * NAT behaviour discovery (RFC 5780 §4.3 mapping, §4.4 filtering) against one STUN server that
 * has an alternate address. The mapping tests (one socket) and the two filtering tests (a fresh
 * socket each) run side by side on virtual threads, so the whole classification takes about 1.5 s
 * behind a filtering NAT (the filtering tests' timeouts) and at most 4.5 s when servers are silent.
 */
final class NatDiscovery {
    /** How the NAT maps: RFC 4787 §4.1 behaviours, plus "no NAT" and "unknown". */
    enum Mapping {
        NO_NAT("no NAT (the mapped address is this host's own)"),
        ENDPOINT_INDEPENDENT("endpoint-independent mapping"),
        ADDRESS_DEPENDENT("address dependent mapping"),
        ADDRESS_AND_PORT_DEPENDENT("address and port dependent mapping"),
        UNKNOWN("mapping unknown");

        final String text;

        Mapping(String text) {
            this.text = text;
        }
    }

    /** How the NAT (or a firewall) filters inbound packets: RFC 4787 §5. */
    enum Filtering {
        ENDPOINT_INDEPENDENT("endpoint-independent filtering"),
        ADDRESS_DEPENDENT("address dependent filtering"),
        ADDRESS_AND_PORT_DEPENDENT("address and port dependent filtering"),
        UNKNOWN("filtering unknown");

        final String text;

        Filtering(String text) {
            this.text = text;
        }
    }

    /**
     * The result. {@code mapped} is null when the server did not answer; {@code note} says why a
     * behaviour is unknown (or null).
     */
    record Result(
            InetSocketAddress server,
            InetSocketAddress local,
            InetSocketAddress mapped,
            InetSocketAddress other,
            Mapping mapping,
            Filtering filtering,
            String note) {}

    private NatDiscovery() {}

    /** Classifies the NAT between {@code localAddress} and {@code server}. */
    static Result discover(InetAddress localAddress, int fwmark, InetSocketAddress server) {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<MappingTests> mapping = ex.submit(() -> mappingTests(localAddress, fwmark, server));
            Future<Reply> test2 =
                    ex.submit(() -> filteringTest(localAddress, fwmark, server, Stun.CHANGE_IP | Stun.CHANGE_PORT));
            Future<Reply> test3 = ex.submit(() -> filteringTest(localAddress, fwmark, server, Stun.CHANGE_PORT));
            MappingTests m = mapping.get();
            Filtering f = filtering(test2.get(), test3.get(), server);
            if (m.mapped == null || m.other == null) f = Filtering.UNKNOWN; // no answer or no RFC 5780 support
            return new Result(server, m.local, m.mapped, m.other, m.mapping, f, m.note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(server, null, null, null, Mapping.UNKNOWN, Filtering.UNKNOWN, "interrupted");
        } catch (ExecutionException e) {
            return new Result(
                    server, null, null, null, Mapping.UNKNOWN, Filtering.UNKNOWN, "discovery failed: " + e.getCause());
        }
    }

    private record MappingTests(
            InetSocketAddress local, InetSocketAddress mapped, InetSocketAddress other, Mapping mapping, String note) {}

    /** RFC 5780 §4.3 alone (no filtering tests, so a few round trips): the mapping toward {@code server}. */
    static Mapping mapping(InetSocketAddress server, int fwmark) {
        return mappingTests(routeSource(server, fwmark), fwmark, server).mapping;
    }

    /** RFC 5780 §4.3: tests I, II (alternate IP, primary port), III (alternate IP and port). */
    private static MappingTests mappingTests(InetAddress localAddress, int fwmark, InetSocketAddress server) {
        try (StunClient c = new StunClient(localAddress, fwmark)) {
            InetSocketAddress local = c.localAddress();
            Reply r1 = c.binding(server, 0);
            InetSocketAddress m1 = mapped(r1);
            if (m1 == null) return new MappingTests(local, null, null, Mapping.UNKNOWN, why(r1));
            InetSocketAddress other = ((Reply.Answer) r1).message().address(Stun.OTHER_ADDRESS);
            if (other == null)
                return new MappingTests(
                        local,
                        m1,
                        null,
                        m1.equals(local) ? Mapping.NO_NAT : Mapping.UNKNOWN,
                        "the server gives no OTHER-ADDRESS: NAT classification is not possible with it (RFC 5780)");
            if (m1.equals(local)) return new MappingTests(local, m1, other, Mapping.NO_NAT, null);
            Reply r2 = c.binding(new InetSocketAddress(other.getAddress(), server.getPort()), 0);
            InetSocketAddress m2 = mapped(r2);
            if (m2 == null)
                return new MappingTests(local, m1, other, Mapping.UNKNOWN, "the alternate address: " + why(r2));
            if (m2.equals(m1)) return new MappingTests(local, m1, other, Mapping.ENDPOINT_INDEPENDENT, null);
            Reply r3 = c.binding(other, 0);
            InetSocketAddress m3 = mapped(r3);
            if (m3 == null)
                return new MappingTests(
                        local, m1, other, Mapping.UNKNOWN, "the alternate address and port: " + why(r3));
            return new MappingTests(
                    local,
                    m1,
                    other,
                    m3.equals(m2) ? Mapping.ADDRESS_DEPENDENT : Mapping.ADDRESS_AND_PORT_DEPENDENT,
                    null);
        } catch (IOException e) {
            return new MappingTests(null, null, null, Mapping.UNKNOWN, "no local socket: " + e.getMessage());
        }
    }

    /** One filtering test on a socket of its own: a Binding request with CHANGE-REQUEST {@code flags}. */
    private static Reply filteringTest(InetAddress localAddress, int fwmark, InetSocketAddress server, int flags) {
        try (StunClient c = new StunClient(localAddress, fwmark)) {
            return c.binding(server, flags);
        } catch (IOException e) {
            return new Reply.NoAnswer("no local socket: " + e.getMessage());
        }
    }

    /**
     * RFC 5780 §4.4 from the answers to test II (change IP and port) and test III (change port),
     * each sent from a fresh socket: an answer to II is endpoint-independent filtering, else an
     * answer to III address-dependent, else address-and-port-dependent. An answer that did not
     * come from the changed address means the server ignored CHANGE-REQUEST: unknown.
     */
    static Filtering filtering(Reply changeIpAndPort, Reply changePort, InetSocketAddress server) {
        if (answered(changeIpAndPort))
            return changedSource(changeIpAndPort, server, true) ? Filtering.ENDPOINT_INDEPENDENT : Filtering.UNKNOWN;
        if (answered(changePort))
            return changedSource(changePort, server, false) ? Filtering.ADDRESS_DEPENDENT : Filtering.UNKNOWN;
        return Filtering.ADDRESS_AND_PORT_DEPENDENT;
    }

    /** A success response with a mapped address. */
    private static boolean answered(Reply r) {
        return mapped(r) != null;
    }

    /** Did the server honour CHANGE-REQUEST? (A server that ignores it would fake open filtering.) */
    private static boolean changedSource(Reply r, InetSocketAddress server, boolean ipToo) {
        InetSocketAddress from = ((Reply.Answer) r).from();
        boolean portChanged = from.getPort() != server.getPort();
        boolean ipChanged = !from.getAddress().equals(server.getAddress());
        return portChanged && ipChanged == ipToo;
    }

    /** XOR-MAPPED-ADDRESS (or the old MAPPED-ADDRESS) of a success response, else null. */
    static InetSocketAddress mapped(Reply r) {
        if (!(r instanceof Reply.Answer a) || a.message().cls() != Stun.SUCCESS_RESPONSE) return null;
        InetSocketAddress m = a.message().address(Stun.XOR_MAPPED_ADDRESS);
        return m != null ? m : a.message().address(Stun.MAPPED_ADDRESS);
    }

    static String why(Reply r) {
        return switch (r) {
            case Reply.NoAnswer n -> n.why();
            case Reply.Answer a -> {
                StunMessage.ErrorCode e = a.message().errorCode();
                yield e != null ? "error " + e.code() + " " + e.reason() : "a response without a mapped address";
            }
        };
    }

    /**
     * The local address the kernel would use to reach {@code server} from a socket with {@code
     * fwmark} (policy routing may send marked packets another way), or null; no packet is sent.
     */
    static InetAddress routeSource(InetSocketAddress server, int fwmark) {
        return MarkedSocket.routeSource(server, fwmark);
    }
}
