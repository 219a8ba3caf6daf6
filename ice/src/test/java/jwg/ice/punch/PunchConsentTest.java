package jwg.ice.punch;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import jwg.ice.stun.Stun;
import jwg.ice.stun.StunMessage;
import org.junit.jupiter.api.Test;

/** Consent on a punched pair: each side's request is answered by the other, anything else is dropped unanswered. */
class PunchConsentTest {
    static final InetSocketAddress EASY = new InetSocketAddress("198.51.100.10", 51820);
    static final InetSocketAddress HARD = new InetSocketAddress("203.0.113.3", 40211);

    @Test
    void eachSidesRequestIsAnsweredAndTheAnswerRefreshesConsent() throws Exception {
        PunchConsent easy = new PunchConsent(BirthdayPunchTest.EASY_AUTH, true);
        PunchConsent hard = new PunchConsent(BirthdayPunchTest.HARD_AUTH, false);
        byte[] req = easy.request();
        StunMessage m = StunMessage.parse(req, req.length);
        assertTrue(m.has(BirthdayPunch.USE_CANDIDATE), "the easy side nominates with every check");
        byte[] answer = hard.onDatagram(req, req.length, EASY);
        assertNotNull(answer, "the peer's request is answered");
        StunMessage a = StunMessage.parse(answer, answer.length);
        assertEquals(Stun.SUCCESS_RESPONSE, a.cls());
        assertEquals(EASY, a.address(Stun.XOR_MAPPED_ADDRESS));
        long before = easy.lastAnswerNanos();
        Thread.sleep(2);
        assertNull(easy.onDatagram(answer, answer.length, HARD), "an answer is not answered");
        assertTrue(easy.lastAnswerNanos() > before, "the answer refreshes consent");
        assertEquals(1, easy.answers.sum());
        // and the other way
        byte[] back = hard.request();
        assertFalse(StunMessage.parse(back, back.length).has(BirthdayPunch.USE_CANDIDATE));
        byte[] backAnswer = easy.onDatagram(back, back.length, HARD);
        assertNotNull(backAnswer);
        assertNull(hard.onDatagram(backAnswer, backAnswer.length, EASY));
        assertEquals(1, hard.answers.sum());
        assertEquals(0, easy.dropped.sum() + hard.dropped.sum());
    }

    @Test
    void strangersAndReplaysAreDroppedNeverAnswered() {
        PunchConsent easy = new PunchConsent(BirthdayPunchTest.EASY_AUTH, true);
        PunchConsent hard = new PunchConsent(BirthdayPunchTest.HARD_AUTH, false);
        PunchAuth mallory = new PunchAuth("hardU", "hard-password-987654321", "easyU", "guessed-password");
        byte[] forged = new PunchConsent(mallory, false).request();
        assertNull(easy.onDatagram(forged, forged.length, HARD), "a bad MESSAGE-INTEGRITY is not answered");
        byte[] junk = {1, 0, 0, 0, 9, 9, 9, 9};
        assertNull(easy.onDatagram(junk, junk.length, HARD));
        // an answer to a request the side never sent (the hard side answering its own consent's request)
        byte[] req = hard.request();
        byte[] answerToOther = easy.onDatagram(req, req.length, HARD);
        long before = easy.lastAnswerNanos();
        assertNull(easy.onDatagram(answerToOther, answerToOther.length, HARD));
        assertEquals(before, easy.lastAnswerNanos(), "not an answer to ours: consent unchanged");
        assertEquals(3, easy.dropped.sum());
        // the positive control: the session's request is answered
        byte[] ok = hard.request();
        assertNotNull(easy.onDatagram(ok, ok.length, HARD));
    }
}
