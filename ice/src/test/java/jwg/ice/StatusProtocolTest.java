package jwg.ice;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;
import jwg.dataplane.UapiSocket;
import org.junit.jupiter.api.Test;

/** The status request rides the UAPI socket without disturbing wg's protocol. */
class StatusProtocolTest {
    static final StatusProtocol.Examiner NO_DOCTOR = (input, json) -> fail("the doctor must not be asked");

    @Test
    void uapiRequestsPassThroughUntouched() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        UapiSocket.Handler uapi = (in, out) -> {
            StringBuilder b = new StringBuilder();
            for (String l; (l = in.readLine()) != null; ) b.append(l).append('\n');
            seen.set(b.toString());
        };
        StringWriter w = new StringWriter();
        StatusProtocol.handler(uapi, null, NO_DOCTOR).serve(new BufferedReader(new StringReader("get=1\n\n")), new BufferedWriter(w));
        assertEquals("get=1\n\n", seen.get(), "wg's request reaches the UAPI handler whole");
    }

    @Test
    void statusWithoutIceSaysNotSupported() throws Exception {
        UapiSocket.Handler uapi = (in, out) -> fail("a status request must not reach the UAPI handler");
        StringWriter w = new StringWriter();
        BufferedWriter out = new BufferedWriter(w);
        StatusProtocol.handler(uapi, null, NO_DOCTOR).serve(new BufferedReader(new StringReader("jwg-status=json\n\n")), out);
        out.flush();
        assertEquals("errno=-95\n\n", w.toString());
    }
}
