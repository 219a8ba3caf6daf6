package jwg.cli.ice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark round run with the test's JVM in a given v1 cpu cgroup: what it starts meanwhile (a
 * lab's daemons, relay, iperf3) is forked from it and inherits the cgroup. A mode {@code m@DIR}
 * enters {@code DIR}, {@code m@root} the root ({@code /sys/fs/cgroup/cpu}); closing returns the JVM
 * to the root. For side-by-side rounds on a machine where another engineer's cgroup has more
 * {@code cpu.shares} than the root's 1024: in cgroup v1 each task of the root weighs 1024 against
 * the whole favoured group, so the root's processes get almost no CPU while that group runs.
 */
final class CpuCgroup implements AutoCloseable {
    static final Path ROOT = Path.of("/sys/fs/cgroup/cpu");

    private final Path dir;

    private CpuCgroup(Path dir) {
        this.dir = dir;
    }

    /** Each of {@code modes} twice: {@code m@root} and {@code m@favoured}. */
    static List<String> both(List<String> modes, String favoured) {
        List<String> out = new ArrayList<>();
        for (String m : modes) {
            out.add(m + "@root");
            out.add(m + "@" + favoured);
        }
        return out;
    }

    /** The mode without its cgroup. */
    static String mode(String mode) {
        int at = mode.indexOf('@');
        return at < 0 ? mode : mode.substring(0, at);
    }

    /** Moves this JVM into the cgroup {@code mode} names (none: it stays where it is). */
    static CpuCgroup enter(String mode) throws IOException {
        int at = mode.indexOf('@');
        if (at < 0) return new CpuCgroup(null);
        String g = mode.substring(at + 1);
        Path dir = g.equals("root") ? ROOT : Path.of(g);
        move(dir);
        return new CpuCgroup(dir);
    }

    private static void move(Path dir) throws IOException {
        Files.writeString(
                dir.resolve("cgroup.procs"),
                Long.toString(ProcessHandle.current().pid()));
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        if (dir == null) return "(unchanged cgroup)";
        String shares;
        try {
            shares = Files.readString(dir.resolve("cpu.shares")).strip();
        } catch (IOException e) {
            shares = "?";
        }
        return dir + " (cpu.shares " + shares + ")";
    }

    @Override
    public void close() throws IOException {
        if (dir != null && !dir.equals(ROOT)) move(ROOT);
    }
}
