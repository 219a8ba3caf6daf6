/**
 * The connectivity layer (Netbird-style): {@link jwg.ice.Connectivity} runs, for every peer
 * without a static endpoint, a {@link jwg.ice.PeerConnection} that negotiates ICE over signaling
 * ({@link jwg.ice.PeerAgent}, ice4j underneath) and sets the selected pair as the peer's WireGuard
 * endpoint. WireGuard and STUN/TURN share the device's one UDP socket ({@link jwg.ice.IceBind}
 * demultiplexes, {@link jwg.ice.StunMux} routes STUN to its agent, {@link jwg.ice.SharedSocket}
 * is what ice4j sees); relayed pairs go as TURN ChannelData on the device's own allocation
 * ({@link jwg.ice.TurnRelay}, framed in {@code IceBind}), or through {@link jwg.ice.RelayProxy} with
 * {@code -Djwg.relay=proxy}. Settings come from the
 * {@code #!} keys of the .conf ({@link jwg.ice.IceConfig}); {@link jwg.ice.ConnectivityStatus} is
 * what {@code jwg status} shows. Subpackages: {@code signal} (the server and client),
 * {@code guard} (when to retry), {@code doctor} (why a path is what it is; it reads a
 * {@link jwg.ice.DoctorInput} and this package never names it), {@code stun} (the one STUN codec,
 * which {@code StunPacket}'s classification reads through). Docs: docs/ice.md.
 */
package jwg.ice;
