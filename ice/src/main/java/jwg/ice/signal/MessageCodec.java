package jwg.ice.signal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of a {@link SignalMessage} inside an envelope:
 * {@code type(1) sessionId(8, big-endian)} then, for Offer/Answer, {@code str ufrag, str pwd,
 * list candidates}; for Candidates, ProbeReport and SessionInfo, {@code list candidates}; for GoIdle nothing. A {@code str} is
 * {@code u16 length + UTF-8}; a {@code list} is {@code u16 count + str...}. Decoding is strict:
 * bounded lengths, valid UTF-8, no trailing bytes; anything else decodes to empty.
 */
final class MessageCodec {
    static final int MAX_STRING = 512;
    static final int MAX_CANDIDATES = 64;
    static final int MAX_CREDENTIAL = 256;
    /** Upper bound of an encoded message: 2 credentials + a full candidate list. */
    static final int MAX_ENCODED = 1 + 8 + 2 * (2 + MAX_CREDENTIAL) + 2 + MAX_CANDIDATES * (2 + MAX_STRING);

    private static final byte OFFER = 1, ANSWER = 2, CANDIDATES = 3, GO_IDLE = 4, PROBE_REPORT = 5, SESSION_INFO = 6;

    private MessageCodec() {}

    static void checkCredentials(String ufrag, String pwd) {
        checkString(ufrag, MAX_CREDENTIAL, "ufrag");
        checkString(pwd, MAX_CREDENTIAL, "pwd");
    }

    static List<String> checkCandidates(List<String> candidates) {
        if (candidates == null) throw new IllegalArgumentException("candidates must not be null");
        if (candidates.size() > MAX_CANDIDATES)
            throw new IllegalArgumentException("at most " + MAX_CANDIDATES + " candidates");
        for (String c : candidates) checkString(c, MAX_STRING, "candidate");
        return List.copyOf(candidates);
    }

    private static void checkString(String s, int max, String what) {
        if (s == null) throw new IllegalArgumentException(what + " must not be null");
        if (s.getBytes(StandardCharsets.UTF_8).length > max)
            throw new IllegalArgumentException(what + " longer than " + max + " bytes");
    }

    static byte[] encode(SignalMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_ENCODED);
        switch (m) {
            case Offer o ->
                credentialsAndCandidates(b.put(OFFER).putLong(o.sessionId()), o.ufrag(), o.pwd(), o.candidates());
            case Answer a ->
                credentialsAndCandidates(b.put(ANSWER).putLong(a.sessionId()), a.ufrag(), a.pwd(), a.candidates());
            case Candidates c -> putList(b.put(CANDIDATES).putLong(c.sessionId()), c.candidates());
            case GoIdle g -> b.put(GO_IDLE).putLong(g.sessionId());
            case ProbeReport r -> putList(b.put(PROBE_REPORT).putLong(r.sessionId()), r.lines());
            case SessionInfo i -> putList(b.put(SESSION_INFO).putLong(i.sessionId()), i.lines());
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void credentialsAndCandidates(ByteBuffer b, String ufrag, String pwd, List<String> candidates) {
        putString(b, ufrag);
        putString(b, pwd);
        putList(b, candidates);
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) u.length).put(u);
    }

    private static void putList(ByteBuffer b, List<String> list) {
        b.putShort((short) list.size());
        for (String s : list) putString(b, s);
    }

    /** Decodes; empty for anything malformed (never throws). */
    static Optional<SignalMessage> decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            SignalMessage m = switch (b.get()) {
                case OFFER ->
                    new Offer(b.getLong(), getString(b, MAX_CREDENTIAL), getString(b, MAX_CREDENTIAL), getList(b));
                case ANSWER ->
                    new Answer(b.getLong(), getString(b, MAX_CREDENTIAL), getString(b, MAX_CREDENTIAL), getList(b));
                case CANDIDATES -> new Candidates(b.getLong(), getList(b));
                case GO_IDLE -> new GoIdle(b.getLong());
                case PROBE_REPORT -> new ProbeReport(b.getLong(), getList(b));
                case SESSION_INFO -> new SessionInfo(b.getLong(), getList(b));
                default -> null;
            };
            return m == null || b.hasRemaining() ? Optional.empty() : Optional.of(m);
        } catch (RuntimeException | CharacterCodingException e) {
            return Optional.empty(); // short buffer, bad length, bad UTF-8, rejected by a record
        }
    }

    private static String getString(ByteBuffer b, int max) throws CharacterCodingException {
        int len = Short.toUnsignedInt(b.getShort());
        if (len > max) throw new IllegalArgumentException("string too long");
        ByteBuffer slice = b.slice(b.position(), len);
        b.position(b.position() + len);
        CharBuffer chars = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(slice);
        return chars.toString();
    }

    private static List<String> getList(ByteBuffer b) throws CharacterCodingException {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > MAX_CANDIDATES) throw new IllegalArgumentException("too many candidates");
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(getString(b, MAX_STRING));
        return list;
    }
}
