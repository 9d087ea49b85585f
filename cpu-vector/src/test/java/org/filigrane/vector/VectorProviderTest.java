package org.filigrane.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.filigrane.engine.Backends;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.junit.jupiter.api.Test;

/** Loading: found by ServiceLoader, chosen by auto, configurable, and a clear refusal without the module. */
class VectorProviderTest {

    @Test
    void serviceLoaderFindsItAndAutoChoosesIt() {
        assertTrue(Backends.names().contains("vector"), Backends.names().toString());
        List<String> names = Backends.names();
        assertTrue(names.indexOf("vector") < names.indexOf("reference"), "vector outranks the reference: " + names);
        Backend auto = Backends.select("auto");
        assertEquals("vector", auto.name(), "auto must pick vector after its self-check: " + auto.description());
        assertEquals("vector", Backends.select("vector").name());
    }

    @Test
    void describesWidthAndThreads() throws Exception {
        String old = System.getProperty("filigrane.vector.threads");
        try {
            System.setProperty("filigrane.vector.threads", "3");
            Backend b = new VectorBackendProvider().create();
            assertTrue(b.description().contains("3 threads"), b.description());
            assertTrue(b.description().contains(VectorBackend.vectorBits() + "-bit"), b.description());
            System.setProperty("filigrane.vector.threads", "zero");
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> new VectorBackendProvider().create());
            assertTrue(e.getMessage().contains("filigrane.vector.threads"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("filigrane.vector.threads");
            } else {
                System.setProperty("filigrane.vector.threads", old);
            }
        }
    }

    @Test
    void forcedWidthIsHonouredOrFallsBackToPreferred() {
        int requested = Integer.getInteger("filigrane.vector.bits", 0);
        int max = jdk.incubator.vector.IntVector.SPECIES_MAX.vectorBitSize();
        if (requested == 128 || requested == 256 || requested == 512) {
            assertEquals(requested <= max ? requested
                    : jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize(), VectorBackend.vectorBits());
        } else {
            assertEquals(jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize(), VectorBackend.vectorBits());
        }
    }

    /** A JVM without --add-modules: the provider refuses with the fix, and auto falls back to the reference. */
    @Test
    void withoutTheModuleItNamesTheFix() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(List.of(java, "-cp", cp, WithoutModule.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("unavailable: ") && out.contains("--add-modules jdk.incubator.vector"), out);
        assertTrue(out.contains("auto=reference"), out);
        assertTrue(!out.contains("jdk/incubator/vector"), "a vector class was loaded: " + out);
        // auto said why it passed vector over, once, with the fix.
        assertEquals(1, out.lines().filter(l -> l.contains("Filigrane backend 'vector' skipped")).count(), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("Filigrane backend 'vector' skipped")
                && l.contains("--add-modules jdk.incubator.vector")), out);
    }

    /** Runs in the child JVM. */
    public static final class WithoutModule {
        public static void main(String[] args) {
            try {
                BackendProvider provider = new VectorBackendProvider();
                provider.create();
                System.out.println("created (module present?)");
            } catch (BackendUnavailableException e) {
                System.out.println("unavailable: " + e.getMessage());
            }
            System.out.println("auto=" + Backends.select("auto").name());
        }
    }
}
