package org.filigrane.ledger;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster for tests (Debian's {@code postgresql} package, installed by scripts/setup.sh):
 * initdb into a fresh folder, pg_ctl start on a free port on 127.0.0.1 with password authentication, one role and
 * database for the tests, and pg_ctl stop at the end (then the folder is removed). Run as root, the server runs as
 * user postgres. Without the package the tests are skipped, except in CI (CI=true), where that is a failure.
 */
public final class PgCluster implements AutoCloseable {
    static final String USER = "filigrane";
    static final String PASSWORD = "ledger-test-pw";
    private final Path root;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;
    private int databases;

    private PgCluster(Path root, Path bin, int port, boolean asPostgres) {
        this.root = root;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Starts a cluster, or skips the calling test class (fails it in CI) when PostgreSQL is not installed. */
    public static PgCluster start() throws Exception {
        Path bin = findBin();
        if (bin == null) {
            String why = "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); run scripts/setup.sh";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " (CI=true: never skipped)");
            }
            Assumptions.abort(why);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("filigrane-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgCluster c = new PgCluster(dir, bin, freePort(), root);
        try {
            c.init();
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static Path findBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                            .replaceAll("\\D", "0")))).orElse(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void init() throws Exception {
        Path pw = root.resolve("pw");
        Files.writeString(pw, "postgres-" + System.nanoTime() + "\n");
        if (asPostgres) {
            run(List.of("chown", "-R", "postgres:postgres", root.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", "postgres",
                "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8"), true);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", root.resolve("server.log")
                .toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1",
                "start"), true);
        psql("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
    }

    private Path data() {
        return root.resolve("data");
    }

    /** A new empty database owned by the test role; its JDBC URL (password authentication over TCP). */
    public String newDatabase() throws Exception {
        String name = "ledger" + databases++;
        psql("CREATE DATABASE " + name + " OWNER " + USER);
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER + "&password=" + PASSWORD;
    }

    /** Runs SQL as the superuser over the Unix socket. */
    public String psql(String sql) throws Exception {
        return psql("postgres", sql);
    }

    public String psql(String database, String sql) throws Exception {
        return run(List.of(bin.resolve("psql").toString(), "-h", root.toString(), "-p", String.valueOf(port), "-U",
                "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql), true);
    }

    private String run(List<String> command, boolean asServerUser) throws Exception {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        // postgres cannot enter root's working folder; /tmp spares the warnings.
        Process p = new ProcessBuilder(full).directory(Path.of("/tmp").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + full);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 1)) + " failed (" + p.exitValue() + "): " + out
                    + serverLog());
        }
        return out.strip();
    }

    private String serverLog() {
        try {
            Path log = root.resolve("server.log");
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server (pg_ctl, then by its PID if that failed) and removes the folder. */
    @Override
    public void close() throws Exception {
        Path pidFile = data().resolve("postmaster.pid");
        try {
            if (Files.exists(pidFile)) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "-t", "60",
                        "stop"), true);
            }
        } catch (IOException e) {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
