package jwg.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wg-quick's DNS: the servers and search domains go to resolvconf as the interface's own
 * ({@code resolvconf -a tun.IFNAME -m 0 -x}, the lines on its standard input) and are taken back
 * on down ({@code resolvconf -d tun.IFNAME -f}). Without resolvconf a file with DNS is refused up
 * front, naming what is missing, as wg-quick fails then.
 */
final class Dns {
    private static final Path INTERFACE_ORDER = Path.of("/etc/resolvconf/interface-order");
    private static final Pattern PREFIX = Pattern.compile("^([A-Za-z0-9-]+)\\*$");

    private Dns() {}

    /** resolvconf on PATH, or null. */
    static Path resolvconf() {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path).split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "resolvconf");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Why DNS cannot be applied, or null if it can (or the file has none). */
    static String unavailable(List<String> servers, List<String> search) {
        if (servers.isEmpty() && search.isEmpty()) return null;
        if (resolvconf() != null) return null;
        return "DNS = " + String.join(", ", servers)
                + " needs resolvconf (openresolv or Debian's resolvconf), which is not on PATH;"
                + " install it or remove DNS from the file";
    }

    /** The name resolvconf knows the interface by: as wg-quick, the first "NAME*" pattern of interface-order gives "NAME.". */
    static String recordName(String ifname) {
        try {
            for (String line : Files.readAllLines(INTERFACE_ORDER)) {
                Matcher m = PREFIX.matcher(line.strip());
                if (m.matches()) return m.group(1) + "." + ifname;
            }
        } catch (IOException e) {
            // no interface-order (openresolv): the plain name
        }
        return ifname;
    }

    static void set(String ifname, List<String> servers, List<String> search, PrintStream log) throws IOException {
        StringBuilder in = new StringBuilder();
        for (String s : servers) in.append("nameserver ").append(s).append('\n');
        if (!search.isEmpty())
            in.append("search ").append(String.join(" ", search)).append('\n');
        int status = resolvconf(log, in.toString(), "-a", recordName(ifname), "-m", "0", "-x");
        if (status != 0)
            throw new IOException("resolvconf -a " + recordName(ifname) + " failed (exit status " + status + ")");
    }

    /** Takes the interface's DNS back; a failure is only reported. */
    static void unset(String ifname, PrintStream log) {
        try {
            int status = resolvconf(log, "", "-d", recordName(ifname), "-f");
            if (status != 0)
                log.println("jwg: resolvconf -d " + recordName(ifname) + " failed (exit status " + status + ")");
        } catch (IOException e) {
            log.println("jwg: resolvconf -d " + recordName(ifname) + ": " + e.getMessage());
        }
    }

    private static int resolvconf(PrintStream log, String input, String... args) throws IOException {
        Path rc = resolvconf();
        if (rc == null) throw new IOException("resolvconf is not on PATH");
        List<String> cmd = new java.util.ArrayList<>(List.of(rc.toString()));
        cmd.addAll(List.of(args));
        log.println("[#] resolvconf " + String.join(" ", args));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (OutputStream o = p.getOutputStream()) {
            o.write(input.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
