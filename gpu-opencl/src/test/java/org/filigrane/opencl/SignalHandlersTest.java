package org.filigrane.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.Backends;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;
import org.filigrane.engine.demo.Phantom;
import org.filigrane.engine.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * The JVM keeps its own signal handlers while OpenCL runs (see {@link JvmSignals}): a fresh JVM opens the OpenCL
 * backend (device listing, context, every program, the self-check's kernels) and then finds every handler as the
 * JVM had installed it before OpenCL loaded. With the guard switched off, the same child shows what PoCL does to
 * the JVM (checked where the device is PoCL). ({@code -Xcheck:jni} reports the same, but JOCL's device queries fail
 * under it.)
 */
class SignalHandlersTest {

    @Test
    void openClLeavesTheJvmsSignalHandlersInPlace() throws Exception {
        OpenClBackend device = OpenClTestDevice.backend();
        assertTrue(JvmSignals.active(), "Linux: the guard must be active");
        // Whatever ran before in this JVM (other test classes' kernels), a finished call leaves the JVM's handlers.
        Volume v = Phantom.generate(7, 2, 40, 50, PixelFormat.unsigned(16, 12));
        device.errorHistograms(v, new int[2], 0, new long[2][Backend.HIST_BINS]);
        assertEquals(List.of(), JvmSignals.restore(), "handlers replaced after an OpenCL call returned");
        String guarded = child(true);
        assertTrue(guarded.contains("child done opencl"), guarded);
        assertTrue(guarded.contains("changed []"), guarded);
        boolean pocl = device.description().toLowerCase(Locale.ROOT).contains("portable computing language")
                || device.description().toLowerCase(Locale.ROOT).contains("pocl");
        if (pocl) {
            String unguarded = child(false);
            System.out.println("without the guard, PoCL: " + unguarded.lines()
                    .filter(l -> l.contains("changed")).toList());
            assertTrue(unguarded.matches("(?s).*changed \\[.*SIGSEGV.*\\].*"), unguarded);
        }
    }

    private static String child(boolean guard) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-D" + JvmSignals.PROPERTY + "=" + guard, "-cp", System.getProperty("java.class.path"),
                Child.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM hung");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Runs in the child JVM. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try (Backend b = Backends.select("opencl")) {
                System.out.println("changed " + JvmSignals.changed());
                System.out.println("child done " + b.name());
            }
        }
    }
}
