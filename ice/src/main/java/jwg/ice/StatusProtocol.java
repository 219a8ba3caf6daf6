package jwg.ice;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import jwg.dataplane.UapiSocket;

/**
 * {@code jwg status} over the interface's UAPI socket. A request {@code jwg-status=json},
 * {@code jwg-status=text} or {@code jwg-status=detail}, then an empty line, is answered with the
 * connectivity status ({@code jwg-status=doctor} or {@code doctor-json}: the doctor's report on
 * {@link Connectivity#doctorInput()}, probed on the connection's own thread) and {@code errno=0}
 * (or {@code errno=-95}, EOPNOTSUPP, when the interface runs without ICE). wg never sends these, so everything else goes to the UAPI handler untouched.
 */
public final class StatusProtocol {
    static final String REQUEST = "jwg-status=";
    private static final int EOPNOTSUPP = 95;

    private StatusProtocol() {}

    /**
     * Who answers {@code jwg-status=doctor}: {@code jwg.ice.doctor.Doctor::report}, handed in by
     * whoever wires the daemon, so that {@code jwg.ice} does not depend on its doctor (the doctor
     * depends on {@code jwg.ice}: it reads a {@link DoctorInput}).
     */
    @FunctionalInterface
    public interface Examiner {
        /** The report on {@code input}, as text, or as JSON if {@code json}. */
        String report(DoctorInput input, boolean json);
    }

    /** Wraps the UAPI handler; {@code connectivity} may be null (no ICE on this interface). */
    public static UapiSocket.Handler handler(UapiSocket.Handler uapi, Connectivity connectivity, Examiner doctor) {
        return (in, out) -> {
            in.mark(256);
            String first = in.readLine();
            if (first == null || !first.startsWith(REQUEST)) {
                in.reset();
                uapi.serve(in, out);
                return;
            }
            in.readLine(); // the empty line that ends the request
            serve(first.substring(REQUEST.length()), connectivity, doctor, out);
        };
    }

    private static void serve(String form, Connectivity c, Examiner doctor, BufferedWriter out) throws IOException {
        if (c == null) {
            out.write("errno=-" + EOPNOTSUPP + "\n\n");
        } else {
            String body = switch (form) {
                case "doctor" -> doctor.report(c.doctorInput(), false);
                case "doctor-json" -> doctor.report(c.doctorInput(), true) + "\n";
                case "json" -> c.status().toJson() + "\n";
                case "detail" -> c.status().toText(true);
                default -> c.status().toText(false);
            };
            out.write(body);
            if (!body.endsWith("\n")) out.write('\n');
            out.write("errno=0\n\n");
        }
        out.flush();
    }

    /**
     * Client side: asks the daemon at {@code socket}; returns the body, or null if it has no ICE
     * (it answered EOPNOTSUPP, or closed the connection without a reply, as wireguard-go does).
     */
    public static String request(java.nio.file.Path socket, String form) throws IOException {
        try (java.nio.channels.SocketChannel ch =
                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            var w = new BufferedWriter(new java.io.OutputStreamWriter(
                    java.nio.channels.Channels.newOutputStream(ch), java.nio.charset.StandardCharsets.UTF_8));
            w.write(REQUEST + form + "\n\n");
            w.flush();
            var r = new BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(ch), java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder body = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("errno=")) {
                    if (!line.equals("errno=0")) return null;
                    return body.toString();
                }
                body.append(line).append('\n');
            }
            // wireguard-go (and other userspace WireGuards) close the connection on an operation they
            // do not know, without a word: that interface has no ICE
            if (body.isEmpty()) return null;
            throw new IOException("the daemon closed the connection mid-reply");
        }
    }
}
