package jwg.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 1, the CLI's conventions, for every command: -h/--help prints its usage on stdout
 * with exit 0; a command line that does not parse prints the usage on stderr with exit 2.
 * (Nothing here reaches a daemon, the network or root: each case fails or answers before that.)
 */
class CommandLineTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> everyNameAndHelpFlag() {
        List<Arguments> all = new ArrayList<>();
        for (Command c : Main.COMMANDS) {
            for (String name : c.names()) {
                for (String flag : List.of("-h", "--help")) all.add(Arguments.of(name, flag));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "jwg {0} {1}")
    @MethodSource("everyNameAndHelpFlag")
    void helpGoesToStdoutWithExitZero(String name, String flag) throws Exception {
        Run r = run(name, flag);
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("usage: jwg"), r.out());
        assertTrue(r.out().endsWith("\n"), "ends its last line");
        assertEquals("", r.err());
        assertEquals(r, run("help", name), "jwg help NAME says the same");
    }

    @Test
    void helpAlsoAfterOtherArgumentsButNotAfterDoubleDash() throws Exception {
        Run r = run("status", "--json", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("usage: jwg status"), r.out());
        // after "--" the words are COMMAND's: jwg exec parses them as its own and finds no such interface
        Run exec = run("exec", "nosuchif0", "--", "ls", "--help");
        assertNotEquals(0, exec.status());
        assertFalse(exec.out().startsWith("usage:"), exec.out());
    }

    @Test
    void theOverview() throws Exception {
        for (String[] args : new String[][] {{"help"}, {"-h"}, {"--help"}}) {
            Run r = run(args);
            assertEquals(0, r.status());
            assertEquals(Main.USAGE, r.out());
            assertEquals("", r.err());
        }
        for (Command c : Main.COMMANDS) {
            if (c.names().get(0).startsWith("-")) continue;
            assertTrue(
                    Main.USAGE.contains("\n  " + c.names().get(0) + " ")
                            || Main.USAGE.contains("\n  " + c.names().get(0) + "\n"),
                    c.names().get(0) + " is listed in the overview");
        }
        Run none = run();
        assertEquals(2, none.status());
        assertEquals(Main.USAGE, none.err());
        assertEquals("", none.out());
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(
                        List.of("no-such-command-here"),
                        "unknown command 'no-such-command-here'",
                        "usage: jwg <command>"),
                Arguments.of(List.of("help", "nosuch"), "no command 'nosuch'", "usage: jwg <command>"),
                Arguments.of(List.of("demo", "--bogus"), "unexpected argument '--bogus'", "usage: jwg demo"),
                Arguments.of(List.of("-f"), "which interface?", "usage: jwg [-f|--foreground]"),
                Arguments.of(
                        List.of("--foreground", "--bogus"),
                        "unexpected argument '--bogus'",
                        "usage: jwg [-f|--foreground]"),
                Arguments.of(List.of("up"), "which configuration file?", "usage: jwg up"),
                Arguments.of(List.of("up", "--bogus", "x.conf"), "unexpected argument '--bogus'", "usage: jwg up"),
                Arguments.of(List.of("up", "a.conf", "b.conf"), "unexpected argument 'b.conf'", "usage: jwg up"),
                Arguments.of(List.of("down"), null, "usage: jwg down"),
                Arguments.of(List.of("down", "a", "b"), null, "usage: jwg down"),
                Arguments.of(List.of("exec", "wg0"), null, "usage: jwg exec"),
                Arguments.of(List.of("exec", "wg0", "ls"), null, "usage: jwg exec"),
                Arguments.of(List.of("show", "a", "b"), "unexpected argument 'b'", "usage: jwg show"),
                Arguments.of(List.of("show", "--bogus"), "unexpected argument '--bogus'", "usage: jwg show"),
                Arguments.of(List.of("status", "--bogus"), "unexpected argument '--bogus'", "usage: jwg status"),
                Arguments.of(List.of("status", "a", "b"), "unexpected argument 'b'", "usage: jwg status"),
                Arguments.of(
                        List.of("status", "-d", "--json"), "--json always carries every field", "usage: jwg status"),
                Arguments.of(List.of("doctor", "-d"), "unexpected argument '-d'", "usage: jwg doctor"),
                Arguments.of(List.of("probe"), "which configuration file?", "usage: jwg probe"),
                Arguments.of(List.of("probe", "-t", "0", "a.conf"), "-t takes a number of seconds", "usage: jwg probe"),
                Arguments.of(List.of("probe", "--peer"), "--peer takes a public key", "usage: jwg probe"),
                Arguments.of(List.of("probe", "a.conf", "b.conf"), "unexpected argument 'b.conf'", "usage: jwg probe"),
                Arguments.of(List.of("bench", "-t"), "-t needs a value", "usage: jwg bench"),
                Arguments.of(List.of("bench", "-r", "0"), "-r must be a whole number", "usage: jwg bench"),
                Arguments.of(List.of("bench", "jwg"), "SENDER:RECEIVER", "usage: jwg bench"),
                Arguments.of(List.of("signal"), null, "usage: jwg signal"),
                Arguments.of(List.of("signal", "--listen", "nocolon"), "HOST:PORT", "usage: jwg signal"),
                Arguments.of(List.of("relay"), "--listen IP:PORT is required", "usage: jwg relay"),
                Arguments.of(
                        List.of("relay", "--listen", "127.0.0.1:3478", "--relay-ip", "127.0.0.1", "--realm", "r"),
                        "--user NAME:PASSWORD or --users FILE is required",
                        "usage: jwg relay"),
                Arguments.of(List.of("relay", "--bogus", "x"), "unknown option '--bogus'", "usage: jwg relay"),
                Arguments.of(List.of("genkey", "x"), "unexpected argument 'x'", "usage: jwg genkey"),
                Arguments.of(List.of("pubkey", "x"), "unexpected argument 'x'", "usage: jwg pubkey"),
                Arguments.of(List.of("genpsk", "x"), "unexpected argument 'x'", "usage: jwg genpsk"),
                Arguments.of(List.of("completion"), "which shell?", "usage: jwg completion"),
                Arguments.of(List.of("completion", "zsh"), "bash only", "usage: jwg completion"),
                Arguments.of(List.of("version", "x"), "unexpected argument 'x'", "usage: jwg version"));
    }

    @ParameterizedTest(name = "jwg {0}")
    @MethodSource("usageErrors")
    void usageErrorsGoToStderrWithExitTwo(List<String> args, String message, String usage) throws Exception {
        Run r = run(args.toArray(String[]::new));
        assertEquals(2, r.status(), r.toString());
        assertEquals("", r.out(), "nothing on stdout");
        if (message != null) assertTrue(r.err().contains(message), r.err());
        assertTrue(r.err().contains(usage), r.err());
    }

    @Test
    void failuresThatAreNotUsageErrorsExitOne() throws Exception {
        Run r = run("pubkey"); // empty stdin
        assertEquals(1, r.status());
        assertTrue(r.err().contains("no private key on standard input"), r.err());
        Run bad = run("down", "../x");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("bad interface name"), bad.err());
    }

    @Test
    void versionNamesTheJdkCryptoAndOffloadPaths() throws Exception {
        Run r = run("version");
        assertEquals(0, r.status());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("jwg "), r.out());
        assertTrue(r.out().contains("java: " + System.getProperty("java.runtime.version")), r.out());
        assertTrue(
                r.out()
                        .matches(
                                "(?s).*\ncrypto: ChaCha20 (JDK intrinsic|Java).*; Poly1305 (JDK intrinsic|4-way Vector API SIMD|scalar Java).*"),
                r.out());
        assertTrue(r.out().matches("(?s).*\noffload: (on|off|invalid).*"), r.out());
        assertEquals(r, run("--version"));
    }

    @Test
    void completionPrintsAScriptBashAccepts(@TempDir Path dir) throws Exception {
        Run r = run("completion", "bash");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("complete -F _jwg jwg"), r.out());
        for (Command c : Main.COMMANDS) {
            String name = c.names().get(0);
            if (!name.startsWith("-"))
                assertTrue(r.out().matches("(?s).*local commands=\"[^\"]*\\b" + name + "\\b.*"), name + " completes");
        }
        Path bash = Path.of("/bin/bash");
        if (!Files.isExecutable(bash)) return;
        Path script = dir.resolve("jwg.bash");
        Files.writeString(script, r.out());
        // bash parses it, and completing "jwg st" offers status
        Process p = new ProcessBuilder(
                        bash.toString(),
                        "-c",
                        "source " + script + " && COMP_WORDS=(jwg st) COMP_CWORD=1 && _jwg && echo \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), said);
        assertEquals("status", said.strip());
    }
}
