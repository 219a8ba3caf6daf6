package jwg.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * wg-quick's PreUp, PostUp, PreDown and PostDown: each command of a stage, in file order, run by
 * bash with {@code %i} replaced by the interface name and announced as {@code [#] COMMAND} first,
 * as wg-quick does; its output goes where jwg's goes. A stage stops at its first failing command.
 */
final class Hooks {
    private Hooks() {}

    /** A command that exited non-zero (or could not run). */
    record Failure(String stage, String command, String reason) {
        @Override
        public String toString() {
            return stage + " '" + command + "' failed (" + reason + ")";
        }
    }

    /** Runs the commands of {@code stage}; the first failure, or null if all succeeded. */
    static Failure run(String stage, List<String> commands, String ifname, PrintStream log) {
        for (String c : commands) {
            String command = c.replace("%i", ifname);
            log.println("[#] " + command);
            log.flush();
            try {
                Process p = new ProcessBuilder(bash(), "-c", command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                int status = p.waitFor();
                if (status != 0) return new Failure(stage, command, "exit status " + status);
            } catch (IOException e) {
                return new Failure(stage, command, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Failure(stage, command, "interrupted");
            }
        }
        return null;
    }

    private static String bash() {
        return Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "bash";
    }
}
