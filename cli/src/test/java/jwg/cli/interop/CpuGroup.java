package jwg.cli.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jwg.testkit.Requires;

/**
 * A CPU cgroup made for one test (cgroup v1's cpu controller or cgroup v2): a quota (at most
 * {@code quotaPercent} of one core) and a high weight (so the process gets that much even on a
 * busy machine). It makes a process slow in a known way — e.g. a responder whose handshake
 * workers cannot keep up with a flood, so it is under load. Closing moves what is left back to
 * the parent group and removes the group. The period is 20 ms (not the default 100 ms), so a
 * throttled process waits at most that long for its next share.
 */
final class CpuGroup implements AutoCloseable {
    private static final Path V2 = Path.of("/sys/fs/cgroup");
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
    private final Path dir;
    private final Path parent;

    private CpuGroup(Path dir, Path parent) {
        this.dir = dir;
        this.parent = parent;
    }

    /** Skips (outside CI) when neither cgroup v2 with the cpu controller nor v1's cpu controller can be used. */
    static CpuGroup create(String name, int quotaPercent) {
        long period = 20_000, quota = period * quotaPercent / 100;
        try {
            if (Files.isRegularFile(V2.resolve("cgroup.controllers"))
                    && Files.readString(V2.resolve("cgroup.subtree_control")).contains("cpu")) {
                Path d = Files.createDirectory(V2.resolve(name));
                CpuGroup g = new CpuGroup(d, V2);
                g.write("cpu.max", quota + " " + period);
                g.write("cpu.weight", "1000");
                return g;
            }
            if (Files.isRegularFile(V1.resolve("cpu.cfs_quota_us"))) {
                Path d = Files.createDirectory(V1.resolve(name));
                CpuGroup g = new CpuGroup(d, V1);
                g.write("cpu.cfs_period_us", Long.toString(period));
                g.write("cpu.cfs_quota_us", Long.toString(quota));
                g.write("cpu.shares", "10240");
                return g;
            }
        } catch (IOException e) {
            Requires.that(false, "needs a writable CPU cgroup (" + e + ")");
        }
        Requires.that(false, "needs a CPU cgroup controller (cgroup v2 with cpu enabled, or v1's cpu)");
        throw new IllegalStateException("unreachable");
    }

    /** Moves a process (all its threads) into the group. */
    void add(long pid) {
        write("cgroup.procs", Long.toString(pid));
    }

    /** How often the quota stopped the group (cpu.stat nr_throttled), or -1. */
    long throttled() {
        try {
            for (String l : Files.readAllLines(dir.resolve("cpu.stat")))
                if (l.startsWith("nr_throttled "))
                    return Long.parseLong(l.substring(13).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private void write(String file, String value) {
        try {
            Files.writeString(dir.resolve(file), value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value + " to " + dir.resolve(file), e);
        }
    }

    @Override
    public void close() {
        try {
            List<String> left = Files.readAllLines(dir.resolve("cgroup.procs"));
            for (String pid : left)
                if (!pid.isBlank()) {
                    try {
                        Files.writeString(parent.resolve("cgroup.procs"), pid.strip());
                    } catch (IOException e) {
                        // it ended meanwhile
                    }
                }
            for (int i = 0; i < 50; i++) {
                try {
                    Files.delete(dir);
                    return;
                } catch (IOException e) {
                    Lab.sleep(100); // the last task may still be leaving
                }
            }
        } catch (IOException e) {
            // nothing more to do: the group stays empty
        }
    }

    @Override
    public String toString() {
        return "CpuGroup[" + dir + "]";
    }
}
