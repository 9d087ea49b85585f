package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.dicom.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and environment problems: one line on stderr, the documented exit code, no stack trace, nothing written. */
class CliErrorsTest {
    @TempDir
    Path tmp;
    Path original;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }

        /** One line on stderr (plus warnings), no Java stack trace. */
        void assertOneLine() {
            long lines = err.lines().filter(l -> !l.contains("warning:") && !l.startsWith("WARNING")).count();
            assertEquals(1, lines, err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        }
    }

    @BeforeEach
    void series() throws Exception {
        Main.env = name -> null;
        original = tmp.resolve("original");
        SampleSeries.write(original, 41, 4, 80, 80);
    }

    @AfterEach
    void env() {
        Main.env = System::getenv;
    }

    static Run run(Object... args) {
        List<String> a = new ArrayList<>();
        for (Object o : args) {
            a.add(o.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(a.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKeyAndAPemPublicKeyAndNeverOverwrites() throws Exception {
        Path key = tmp.resolve("k/issuer.key");
        Run k = run("keygen", "-o", key);
        assertEquals(0, k.code(), k.all());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Path pub = tmp.resolve("k/issuer.pub");
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----"), Files.readString(pub));
        String before = Files.readString(key);
        Run again = run("keygen", "-o", key);
        assertEquals(ExitCode.OUTPUT_REFUSED, again.code(), again.all());
        again.assertOneLine();
        assertEquals(before, Files.readString(key), "the key is untouched");
        Run forced = run("keygen", "-o", key, "--force");
        assertEquals(0, forced.code(), forced.all());
        assertFalse(before.equals(Files.readString(key)), "--force makes a new key");
        try (var files = Files.list(key.getParent())) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }

    @Test
    void keyProblemsExitTwoWithOneLine() throws Exception {
        Path missing = tmp.resolve("nope.key");
        Path typo = tmp.resolve("typo.key");
        Files.writeString(typo, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg\n");
        Path shortKey = tmp.resolve("short.key");
        Files.writeString(shortKey, "0011223344\n");
        Path pem = tmp.resolve("k/issuer.pub");
        assertEquals(0, run("keygen", "-o", tmp.resolve("k/issuer.key")).code());
        Path out = tmp.resolve("out");
        for (Object[] c : new Object[][] {
            {"embed", "--key-file", missing, "does not exist"},
            {"embed", "--key-file", typo, "unexpected character"},
            {"embed", "--key-file", shortKey, "at least"},
            {"embed", "--key-file", pem, "public key"},
            {"verify", "--public-key", missing, "does not exist"},
            {"verify", "--public-key", typo, "not a PEM public key"},
            {"verify", "", "", "no trusted issuer"}}) {
            List<Object> args = new ArrayList<>(List.of(c[0], "--backend", "reference"));
            if (!c[1].toString().isEmpty()) {
                args.add(c[1]);
                args.add(c[2]);
            }
            if (c[0].equals("embed")) {
                args.addAll(List.of("--recipient", "r", "-o", out));
            }
            args.add(original);
            Run r = run(args.toArray());
            assertEquals(ExitCode.USAGE, r.code(), r.all());
            r.assertOneLine();
            assertTrue(r.err().contains(c[3].toString()), r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
        Main.env = name -> name.equals("FILIGRANE_KEY") ? "00zz" : null;
        Run env = run("embed", "--recipient", "r", "-o", out, original);
        assertEquals(ExitCode.USAGE, env.code(), env.all());
        env.assertOneLine();
    }

    @Test
    void aPrivateKeyReadableByOthersGetsAOneLineWarning() throws Exception {
        Path key = tmp.resolve("issuer.key");
        assertEquals(0, run("keygen", "-o", key).code());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Run e = run("embed", "--backend", "reference", "--key-file", key, "--recipient", "r", "-o",
                tmp.resolve("out"), original);
        assertEquals(0, e.code(), e.all());
        assertEquals(1, e.err().lines().filter(l -> l.contains("readable by group or others")).count(), e.err());
    }

    @Test
    void publicKeysFromTheEnvironmentSeveralIssuers() throws Exception {
        Path a = tmp.resolve("a.key");
        Path b = tmp.resolve("b.key");
        assertEquals(0, run("keygen", "-o", a).code());
        assertEquals(0, run("keygen", "-o", b).code());
        Path out = tmp.resolve("out");
        assertEquals(0, run("embed", "--backend", "reference", "--key-file", b, "--recipient", "r", "-o", out,
                original).code());
        Main.env = name -> name.equals("FILIGRANE_PUBLIC_KEY") ? tmp.resolve("a.pub") + ":" + tmp.resolve("b.pub")
                : null;
        Run v = run("verify", "--backend", "reference", out);
        assertEquals(0, v.code(), v.all());
        Main.env = name -> name.equals("FILIGRANE_PUBLIC_KEY") ? tmp.resolve("a.pub").toString() : null;
        Run only = run("verify", "--backend", "reference", out);
        assertEquals(ExitCode.NOT_AUTHENTIC, only.code(), only.all());
    }

    @Test
    void anUnwritableOrImpossibleOutputIsRefusedBeforeAnyWork() throws Exception {
        Main.env = name -> name.equals("FILIGRANE_KEY") ? CliTest.KEY_HEX : null;
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        Path locked = tmp.resolve("locked");
        Files.createDirectories(locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        boolean root = Files.isWritable(locked);
        for (Path o : List.of(file, file.resolve("sub"), locked.resolve("out"))) {
            if (root && o.startsWith(locked)) {
                continue; // root writes anywhere
            }
            Run r = run("embed", "--backend", "reference", "--recipient", "r", "-o", o, original);
            assertEquals(ExitCode.OUTPUT_REFUSED, r.code(), o + ": " + r.all());
            r.assertOneLine();
        }
    }

    @Test
    void anInputWithoutUidsIsRefusedBeforeAnyWork() throws Exception {
        Main.env = name -> name.equals("FILIGRANE_KEY") ? CliTest.KEY_HEX : null;
        Path one = tmp.resolve("one");
        Files.createDirectories(one);
        Files.copy(original.resolve("IM0001.dcm"), one.resolve("IM0001.dcm"));
        Tools.Result t = Tools.run("/usr/bin/dcmodify", "-nb", "-ea", "(0008,0018)", one.resolve("IM0001.dcm")
                .toString());
        assertEquals(0, t.code(), t.output());
        Run r = run("embed", "--backend", "reference", "--recipient", "r", "-o", tmp.resolve("out"), one);
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.all());
        r.assertOneLine();
        assertTrue(r.err().contains("SOPInstanceUID (0008,0018)"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void verifyReportsTheVerdictEvenWhenThePictureCannotBeWritten() throws Exception {
        Main.env = name -> name.equals("FILIGRANE_KEY") ? CliTest.KEY_HEX : null;
        Path out = tmp.resolve("out");
        assertEquals(0, run("embed", "--backend", "reference", "--recipient", "r", "-o", out, original).code());
        Tools.Result t = Tools.pydicom("set-pixel", out.resolve("IM0003.dcm").toString(), "40", "50", "3");
        assertEquals(0, t.code(), t.output());
        Path notADirectory = tmp.resolve("a-file");
        Files.writeString(notADirectory, "x");
        Run v = run("verify", "--backend", "reference", "--png", notADirectory.resolve("cells.png"), out);
        assertEquals(ExitCode.TAMPERED, v.code(), v.all());
        assertTrue(v.out().startsWith("TAMPERED"), v.out());
        assertTrue(v.err().contains("cannot write the picture"), v.err());
    }

    @Test
    void debugShowsTheStackTrace() {
        Run r = run("verify", "--debug", "--public-key", tmp.resolve("nope.pub"), original);
        assertEquals(ExitCode.USAGE, r.code(), r.all());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void everyCommandIsRegisteredUnderItsOwnNameAndHelpListsThemAll() {
        // Main registers only the command a run names; its table must say what each class's annotation says.
        Main.COMMANDS.forEach((name, type) -> assertEquals(name,
                type.getAnnotation(picocli.CommandLine.Command.class).name(), type.getName()));
        Run help = run("--help");
        assertEquals(0, help.code(), help.all());
        for (String name : Main.COMMANDS.keySet()) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(name + " ")), name + "\n" + help.out());
        }
        Run none = run();
        assertEquals(ExitCode.USAGE, none.code(), none.all());
        assertTrue(none.err().contains("choose a command: " + String.join(", ", Main.COMMANDS.keySet())), none.err());
        Run typo = run("embd");
        assertEquals(ExitCode.USAGE, typo.code(), typo.all());
        assertTrue(typo.err().contains("embed"), typo.err());
        Run version = run("--version");
        assertEquals(0, version.code(), version.all());
        assertTrue(version.out().startsWith("filigrane "), version.out());
        // Only the named command is registered: its usage still names it under the top-level command.
        Run sub = run("capacity");
        assertEquals(ExitCode.USAGE, sub.code(), sub.all());
        assertTrue(sub.err().contains("Usage: filigrane capacity"), sub.err());
    }
    @Test
    void embedReportsTheKeysErrorBeforeTheInputsAndWritesNothing() throws Exception {
        // The key is checked on the command's thread before the inputs are read (its derivation then runs beside
        // the reading): a bad key and a bad input give the key's error; a good key and a bad input, the input's.
        Path typo = tmp.resolve("typo.key");
        Files.writeString(typo, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg\n");
        Path key = tmp.resolve("k/issuer.key");
        assertEquals(0, run("keygen", "-o", key).code());
        Path notDicom = tmp.resolve("notes.txt");
        Files.writeString(notDicom, "not DICOM");
        Path out = tmp.resolve("out");
        for (Path input : List.of(tmp.resolve("no-such-series"), notDicom)) {
            Run bad = run("embed", input, "--recipient", "r", "-o", out, "--key-file", typo, "--no-ledger");
            assertEquals(ExitCode.USAGE, bad.code(), bad.all());
            bad.assertOneLine();
            assertTrue(bad.err().contains("unexpected character"), bad.err());
            Run good = run("embed", input, "--recipient", "r", "-o", out, "--key-file", key, "--no-ledger");
            assertEquals(ExitCode.BAD_INPUT, good.code(), good.all());
            good.assertOneLine();
            assertFalse(good.err().contains("key"), good.err());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    @Test
    void aMissingInputRepairsNothingBesideIt() throws Exception {
        // Another writer's temporary file beside the mistyped input: its parent is no series to repair.
        Path key = tmp.resolve("k/issuer.key");
        assertEquals(0, run("keygen", "-o", key).code());
        Path foreign = tmp.resolve("elsewhere/x.dcm" + org.filigrane.dicom.Journal.TMP_SUFFIX);
        Files.createDirectories(foreign.getParent());
        Files.writeString(foreign, "in flight");
        Path out = tmp.resolve("out");
        for (Path missing : List.of(tmp.resolve("no-such-series"), Path.of("/no-such-filigrane-input"))) {
            Run r = run("embed", missing, "--recipient", "r", "-o", out, "--key-file", key, "--no-ledger");
            assertEquals(ExitCode.BAD_INPUT, r.code(), r.all());
            r.assertOneLine();
            assertTrue(r.err().contains("no such file"), r.err());
            assertTrue(Files.exists(foreign), "another writer's temporary file is left alone");
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}
