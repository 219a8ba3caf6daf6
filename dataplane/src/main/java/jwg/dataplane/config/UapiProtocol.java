package jwg.dataplane.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives UAPI exchanges (https://www.wireguard.com/xplatform/) over one connection: requests
 * in, replies out, until the client closes or sends something that is not an operation, as
 * wireguard-go's IpcHandle. {@link #serve} fits {@code jwg.dataplane.UapiSocket.Handler}.
 *
 * <ul>
 *   <li>{@code get=1\n\n}: the configuration and runtime state, then {@code errno=0\n\n}.
 *       Anything but an empty line after get=1 is answered with errno=-EINVAL.</li>
 *   <li>{@code set=1\n} key=value lines, then an empty line (or the end of input): the whole
 *       request is read and validated first; only a valid request reaches
 *       {@link UapiDevice#configure}. Reply {@code errno=0\n\n} or the failure's errno.</li>
 *   <li>{@code jwg-counters=1\n\n} (jwg only; wg never sends it): {@link UapiDevice#counters()}
 *       as {@code name=value} lines, then {@code errno=0\n\n}.</li>
 *   <li>Any other first line: the connection is closed without a reply.</li>
 * </ul>
 *
 * Limits against hostile clients: lines of at most {@value #MAX_LINE_CHARS} characters (Go's
 * bufio.Scanner default) and at most {@value #MAX_SET_LINES} lines per set; beyond them the
 * reply is errno=-EIO and the connection is closed, with nothing applied. No exception from a
 * malformed request escapes; only I/O errors of the connection itself are thrown.
 */
public final class UapiProtocol {
    public static final int MAX_LINE_CHARS = 64 * 1024;
    public static final int MAX_SET_LINES = 1 << 20;

    private final UapiDevice device;

    public UapiProtocol(UapiDevice device) {
        this.device = device;
    }

    /** Serves requests from {@code in} until it ends or an unknown operation arrives. */
    public void serve(Reader in, Writer out) throws IOException {
        LineReader r = new LineReader(in);
        while (true) {
            String op;
            try {
                op = r.line();
            } catch (LineTooLong e) {
                return;
            }
            if (op == null || !r.newline) return;
            switch (op) {
                case "get=1" -> {
                    int next = r.read();
                    if (next < 0) return;
                    if (next != '\n') reply(out, UapiException.EINVAL, null);
                    else get(out);
                }
                case "jwg-counters=1" -> {
                    int next = r.read();
                    if (next < 0) return;
                    if (next != '\n') reply(out, UapiException.EINVAL, null);
                    else counters(out);
                }
                case "set=1" -> {
                    if (!set(r, out)) return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    private void get(Writer out) throws IOException {
        String body;
        try {
            synchronized (device) {
                body = UapiGet.format(device.configuration(), device);
            }
        } catch (RuntimeException e) {
            reply(out, UapiException.UNKNOWN, null);
            return;
        }
        reply(out, 0, body);
    }

    private void counters(Writer out) throws IOException {
        StringBuilder body = new StringBuilder();
        device.counters().forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        reply(out, 0, body.toString());
    }

    /** Returns false if the connection must be closed (the request could not be read whole). */
    private boolean set(LineReader r, Writer out) throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = r.line(); line != null && !line.isEmpty(); line = r.line()) {
                if (lines.size() == MAX_SET_LINES) {
                    reply(out, UapiException.EIO, null);
                    return false;
                }
                lines.add(line);
            }
        } catch (LineTooLong e) {
            reply(out, UapiException.EIO, null);
            return false;
        }
        reply(out, apply(lines), null);
        return true;
    }

    /** Parses, validates and applies one set request's lines; returns the errno (0 = applied). */
    public int apply(List<String> lines) {
        try {
            UapiSet set = UapiSet.parse(lines);
            synchronized (device) {
                DeviceConfig next = set.applyTo(device.configuration());
                device.configure(next, set);
            }
            return 0;
        } catch (UapiException e) {
            return e.errno();
        } catch (RuntimeException e) {
            // a key type or a model rule refusing a value counts as an invalid value, as a bad key is in wireguard-go
            return e instanceof IllegalArgumentException ? UapiException.EINVAL : UapiException.UNKNOWN;
        }
    }

    private static void reply(Writer out, int errno, String body) throws IOException {
        if (body != null) out.write(body);
        out.write("errno=" + errno + "\n\n");
        out.flush();
    }

    private static final class LineTooLong extends Exception {
        LineTooLong() {
            super(null, null, false, false);
        }
    }

    /** Reads '\n'-terminated lines (a '\r' stays part of the line, as in wireguard-go) with a length limit. */
    private static final class LineReader {
        private final Reader in;
        private final StringBuilder sb = new StringBuilder(128);
        boolean newline;

        LineReader(Reader in) {
            this.in = in;
        }

        int read() throws IOException {
            return in.read();
        }

        /** The next line without its '\n'; null at the end of input. {@link #newline} tells if it was terminated. */
        String line() throws IOException, LineTooLong {
            sb.setLength(0);
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (sb.length() == MAX_LINE_CHARS) throw new LineTooLong();
                sb.append((char) c);
            }
            newline = c == '\n';
            if (c < 0 && sb.isEmpty()) return null;
            return sb.toString();
        }
    }
}
