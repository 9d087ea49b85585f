package org.filigrane.router;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The router as a child JVM on this test class path, so that a test can kill -9 it and start it again. */
final class RouterProcess implements AutoCloseable {
    private final Path config;
    private final Path log;
    private Process process;

    RouterProcess(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    void start() throws IOException, InterruptedException {
        long before = Files.exists(log) ? Files.size(log) : 0;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx768m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"),
                "org.filigrane.router.RouterMain", "--config", config.toString(), "--foreground"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!since(before).contains("\"event\":\"started\"")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("router did not start: " + since(before));
            }
            Thread.sleep(50);
        }
    }

    private String since(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
