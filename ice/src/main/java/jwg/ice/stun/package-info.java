/**
 * The one STUN codec (RFC 5389, TURN RFC 5766, NAT behaviour discovery RFC 5780) for the whole
 * ice module: the wire numbers and the header ({@link jwg.ice.stun.Stun}), the attribute walk with
 * its length and padding rules ({@link jwg.ice.stun.StunAttributes}), (XOR-)MAPPED-ADDRESS
 * ({@link jwg.ice.stun.StunAddress}), MESSAGE-INTEGRITY ({@link jwg.ice.stun.MessageIntegrity}),
 * FINGERPRINT ({@link jwg.ice.stun.Fingerprint}) and TURN ChannelData framing
 * ({@link jwg.ice.stun.ChannelData}). These read the datagram in place, allocate nothing and
 * never throw; {@link jwg.ice.stun.StunMessage} is the parsed, buildable message on top of them
 * for the doctor's clients. The mux's classifier ({@code jwg.ice.StunPacket}) reads the same
 * bytes through the same walk. Depends on nothing else in jwg. Tested on RFC 5769's vectors.
 */
package jwg.ice.stun;
