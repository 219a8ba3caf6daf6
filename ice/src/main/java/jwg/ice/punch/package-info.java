/**
 * Birthday-paradox hole punching between a peer behind an endpoint-independent mapping (the
 * "easy" side: one socket, one public address) and a peer behind an endpoint-dependent one (the
 * "hard" side: a fresh public port per destination). {@link jwg.ice.punch.BirthdayPunch} runs one
 * attempt for either role: the hard side sends from many sockets to the easy side's reflexive
 * address, the easy side sends to random ports of the hard side's public address; every probe is
 * a STUN Binding request authenticated with the session's ICE credentials
 * ({@link jwg.ice.punch.PunchAuth}), so only the peer that agreed can open the path. The pair that
 * gets through is the {@link jwg.ice.punch.PunchResult}; the spare sockets are closed. Docs:
 * docs/ice.md, "Birthday probing".
 */
package jwg.ice.punch;
