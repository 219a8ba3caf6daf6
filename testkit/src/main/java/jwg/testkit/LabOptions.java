package jwg.testkit;

/**
 * The variants of a {@link NatLab} beyond its {@link NatLab.Topology}, as real home networks
 * differ. {@link #DEFAULT} is the lab as it always was: LANs on different subnets, routers that
 * drop unsolicited inbound packets on the WAN, a public network with a default route.
 *
 * @param sameSubnet both home LANs on the same private subnet 198.51.100.0/25, both hosts at
 *     198.51.100.10 (natB's LAN then also has gateway .1); only for topologies with two routers
 * @param wanInputFirewall the routers drop inbound packets of new flows on the WAN ({@code ct state
 *     new drop}). Without it, as on many home routers, an unsolicited probe from the peer leaves a
 *     conntrack entry behind, and a later outbound flow from the host's port to that peer is
 *     masqueraded to another port: a cone NAT then maps like a symmetric one towards that peer
 * @param turnDefaultRoute the public network (coturn's namespace) has a default route into a sink
 *     where packets for unknown addresses vanish. Without it coturn's send to such an address (a
 *     peer's private host candidate) fails with "network unreachable", and coturn deletes the
 *     allocation that sent it
 * @param jwgRelay the TURN server at 203.0.113.1:3478 is {@code jwg relay} (the repository's
 *     {@code bin/jwg}) instead of coturn; it answers Binding but not RFC 5780's CHANGE-REQUEST, so
 *     the doctor's NAT classification is not available in such a lab
 * @param ispHop the routers' WAN addresses are /32s whose only neighbour is the public namespace
 *     (203.0.113.1, the "ISP" router): traffic between the two routers is forwarded by it, one
 *     hop that decrements the IP TTL, as between real routers (which are several hops apart).
 *     Without it the routers share the public bridge, one hop apart: a packet sent with TTL 2
 *     reaches the other router with TTL 1 and is still delivered to it
 */
public record LabOptions(
        boolean sameSubnet, boolean wanInputFirewall, boolean turnDefaultRoute, boolean jwgRelay, boolean ispHop) {
    public static final LabOptions DEFAULT = new LabOptions(false, true, true, false, false);

    public LabOptions withSameSubnet(boolean v) {
        return new LabOptions(v, wanInputFirewall, turnDefaultRoute, jwgRelay, ispHop);
    }

    public LabOptions withWanInputFirewall(boolean v) {
        return new LabOptions(sameSubnet, v, turnDefaultRoute, jwgRelay, ispHop);
    }

    public LabOptions withTurnDefaultRoute(boolean v) {
        return new LabOptions(sameSubnet, wanInputFirewall, v, jwgRelay, ispHop);
    }

    public LabOptions withJwgRelay(boolean v) {
        return new LabOptions(sameSubnet, wanInputFirewall, turnDefaultRoute, v, ispHop);
    }

    public LabOptions withIspHop(boolean v) {
        return new LabOptions(sameSubnet, wanInputFirewall, turnDefaultRoute, jwgRelay, v);
    }

    @Override
    public String toString() {
        return (sameSubnet ? "same-subnet" : "own-subnets")
                + (wanInputFirewall ? ",wan-firewall" : ",no-wan-firewall")
                + (turnDefaultRoute ? ",turn-default-route" : ",turn-no-default-route")
                + (jwgRelay ? ",jwg-relay" : "")
                + (ispHop ? ",isp-hop" : "");
    }
}
