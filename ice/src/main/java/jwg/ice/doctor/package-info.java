/**
 * {@code jwg doctor}: probes STUN and TURN servers over sockets of its own
 * ({@link jwg.ice.doctor.StunClient}, {@link jwg.ice.doctor.TurnCheck}), classifies this host's NAT
 * (RFC 5780, {@link jwg.ice.doctor.NatDiscovery}) and explains each peer's path with one table of
 * rules ({@link jwg.ice.doctor.PathExplanation}) into a {@link jwg.ice.doctor.DoctorReport}. It is
 * given a {@link jwg.ice.DoctorInput} snapshot and depends on {@code jwg.ice}, never the other way;
 * its messages come from the codec in {@code jwg.ice.stun}. Docs: docs/doctor.md.
 */
package jwg.ice.doctor;
