package jwg.ice.punch;

/** Counters of one attempt: requests sent, requests of the peer answered, datagrams dropped unanswered. */
public record PunchStats(int probesSent, int answered, int dropped) {}
