package jwg.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A background process a test starts (stdout and stderr together into a log file, stdin
 * closed) and stops in {@link #close()}: SIGTERM, then SIGKILL after a grace period. Every
 * wait is bounded, so a misbehaving process cannot hang the test.
 */
public final class Daemon implements AutoCloseable {
    private final List<String> command;
    private final Path log;
    private final Process process;

    private Daemon(List<String> command, Path log, Process process) {
        this.command = command;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code command}, its output going to {@code log} (created or truncated). */
    public static Daemon start(Path log, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        return new Daemon(List.copyOf(command), log, p);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> command() {
        return command;
    }

    public Path logFile() {
        return log;
    }

    /** The output so far (empty if the log cannot be read). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits at most {@code timeout} for the process to exit on its own and returns its exit
     * code and output; if it is still running, kills it and fails with the command and output.
     */
    public Netns.Result await(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IOException(
                        String.join(" ", command) + " did not exit within " + timeout + "; output:\n" + output());
            }
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + String.join(" ", command));
        }
        return new Netns.Result(process.exitValue(), output());
    }

    /** Stops the process (and its descendants): SIGTERM, SIGKILL after 3 s. Idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
