package org.filigrane.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.filigrane.dicom.SampleSeries;

/**
 * The training run of the JDK AOT cache that the {@code filigrane} wrapper makes once per build (docs/BENCHMARKS.md,
 * "Start-up"): in one JVM, the one-shot commands as a user runs them, each through {@link Main#run} (which builds
 * only the named command's picocli model, so each command must run here for its classes to be cached), on a small
 * generated series on the reference backend: keygen, embed without and with a ledger, verify, restore, inspect,
 * capacity, then the demo. Output is discarded; a failing step only leaves its classes out of the cache.
 *
 * <p>The wrapper's lean JVM, which runs only small one-shot commands, gets a cache without the demo: the JVM loads
 * every class of an AOT cache with linked classes at start-up, needed or not, so a class that only the demo needs
 * costs every one-shot command its loading.
 *
 * <p>usage: {@code AotTraining DIR [one-shot]} (DIR: an empty scratch directory; one-shot: leave the demo out).
 */
final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path original = dir.resolve("original");
        SampleSeries.write(original, 2026, 8, 128, 128);
        String key = dir.resolve("issuer.key").toString();
        String pub = dir.resolve("issuer.pub").toString();
        String series = original.toString();
        String marked = dir.resolve("marked").toString();
        run("keygen", "-o", key);
        run("embed", series, "--recipient", "training", "-o", marked, "--key-file", key, "--no-ledger", "-q");
        run("embed", series, "--recipient", "training", "-o", dir.resolve("marked2").toString(), "--key-file", key,
                "--ledger", dir.resolve("ledger.db").toString(), "-q");
        run("verify", marked, "--public-key", pub, "-q");
        run("restore", marked, "-o", dir.resolve("restored").toString(), "--public-key", pub, "-q");
        run("inspect", marked);
        run("capacity", series);
        if (args.length > 1 && args[1].equals("one-shot")) {
            return;
        }
        run("demo", "--dir", dir.resolve("demo").toString(), "--backend", "reference", "--slices", "8", "--size",
                "128");
    }

    private static void run(String... args) {
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        Main.run(args, sink, sink);
    }
}
