package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/setup.sh, which both README commands run first, on a machine that lacks packages: it must install them,
 * not stop. dpkg-query exits 1 when a package was never installed, and the script runs under {@code set -e} and
 * {@code pipefail}: it once exited 1 there, silently, before installing anything, so that {@code ./filigrane demo}
 * and {@code ./filigrane test} failed on a fresh machine without a word. Here dpkg-query, apt-get and sudo are
 * stand-ins on the PATH that behave as Debian's do for packages installed or not and record what they were asked.
 */
class SetupScriptTest {
    private static final Path SETUP = Path.of("..", "scripts", "setup.sh").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aFreshMachineGetsTheMissingPackagesInstalled() throws Exception {
        Path log = dir.resolve("apt.log");
        // Installed: sqlite3 and dcmtk only; dpkg-query reports those and exits 1 for the others, as Debian's does.
        Result r = run(log, "sqlite3 dcmtk");
        assertEquals(0, r.code, "setup.sh must install what is missing and succeed; stderr: " + r.stderr);
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("apt-get update")), "apt-get update: " + calls);
        String install = calls.stream().filter(c -> c.startsWith("apt-get install")).findFirst().orElse("");
        for (String p : List.of("orthanc", "postgresql", "libpixelmed-java", "pocl-opencl-icd", "slurmctld")) {
            assertTrue((" " + install + " ").contains(" " + p + " "), p + " not installed: " + install);
        }
        for (String p : List.of("sqlite3", "dcmtk")) {
            assertFalse((" " + install + " ").contains(" " + p + " "), p + " installed again: " + install);
        }
        assertTrue(r.stdout.contains("setup: installing"), "says what it installs: " + r.stdout);
    }

    @Test
    void aMachineWithEveryPackageInstallsNothing() throws Exception {
        Path log = dir.resolve("apt.log");
        Result r = run(log, "*");
        assertEquals(0, r.code, "stderr: " + r.stderr);
        assertFalse(Files.exists(log), "apt-get was called");
        assertEquals("", r.stdout);
    }

    private record Result(int code, String stdout, String stderr) {
    }

    /** Runs setup.sh with stand-in tools; {@code installed}: the packages dpkg knows as installed, or "*": all. */
    private Result run(Path log, String installed) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("dpkg-query"), """
                #!/bin/bash
                # dpkg-query -W -f=FORMAT PACKAGE...: a line per known package, exit 1 if any is unknown.
                shift 2
                code=0
                for p in "$@"; do
                  if [ "$INSTALLED" = "*" ] || [[ " $INSTALLED " == *" $p "* ]]; then
                    echo "$p:install ok installed"
                  else
                    echo "dpkg-query: no packages found matching $p" >&2; code=1
                  fi
                done
                exit $code
                """);
        script(bin.resolve("apt-get"), """
                #!/bin/bash
                args=()
                for a in "$@"; do case "$a" in -*) ;; *) args+=("$a") ;; esac; done
                echo "apt-get ${args[*]}" >> "$APT_LOG"
                """);
        script(bin.resolve("sudo"), """
                #!/bin/bash
                "$@"
                """);
        ProcessBuilder pb = new ProcessBuilder("bash", SETUP.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("INSTALLED", installed);
        pb.environment().put("APT_LOG", log.toString());
        pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("setup.sh did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    private static void script(Path path, String text) throws IOException {
        Files.writeString(path, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
