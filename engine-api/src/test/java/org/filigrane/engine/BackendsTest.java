package org.filigrane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.junit.jupiter.api.Test;

/**
 * Discovery: the test class path registers two extra providers (META-INF/services in src/test/resources, kept out
 * of the test-jar): one that cannot start here and one whose kernels disagree with the reference.
 */
class BackendsTest {

    /** Cannot run in this JVM, like a Vector API backend without --add-modules. */
    public static final class UnavailableProvider implements BackendProvider {
        @Override
        public String name() {
            return "unavailable-test";
        }

        @Override
        public int priority() {
            return 1000;
        }

        @Override
        public Backend create() throws BackendUnavailableException {
            throw new BackendUnavailableException("test module missing; add --add-modules test.module");
        }
    }

    /** Starts, but its histogram is off by one: the self-check must keep it from {@code auto}. */
    public static final class WrongProvider implements BackendProvider {
        @Override
        public String name() {
            return "wrong-test";
        }

        @Override
        public int priority() {
            return 999;
        }

        @Override
        public Backend create() {
            return new DelegatingBackend(new ReferenceBackend()) {
                @Override
                public void errorHistograms(Volume v, int[] firstRow, int parity, long[][] hist) {
                    super.errorHistograms(v, firstRow, parity, hist);
                    hist[0][Backend.HIST_BINS / 2]++;
                }
            };
        }
    }

    /** Ranked below the reference: auto must never start it, since the reference always starts. */
    public static final class NeverStartedProvider implements BackendProvider {
        @Override
        public String name() {
            return "never-started-test";
        }

        @Override
        public int priority() {
            return -1;
        }

        @Override
        public Backend create() {
            throw new AssertionError("auto started a provider ranked below one that had already started");
        }
    }

    @Test
    void autoSkipsWhatCannotRunAndWhatDisagreesWithOneWarningEach() {
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger("org.filigrane.engine");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            Backend chosen = Backends.select("auto");
            assertEquals("reference", chosen.name());
        } finally {
            logger.removeHandler(handler);
        }
        List<String> warnings = records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
                .map(LogRecord::getMessage).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("unavailable-test") && warnings.get(0).contains("--add-modules"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("wrong-test") && warnings.get(1).contains("self-check"), warnings.get(1));
    }

    @Test
    void namedSelection() {
        assertEquals("reference", Backends.select("reference").name());
        assertEquals("reference", Backends.select(" Reference ").name());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Backends.select("cuda"));
        assertTrue(unknown.getMessage().contains("reference"), unknown.getMessage());
        IllegalStateException cannot = assertThrows(IllegalStateException.class,
                () -> Backends.select("unavailable-test"));
        assertTrue(cannot.getMessage().contains("--add-modules"), cannot.getMessage());
        assertEquals(List.of("unavailable-test", "wrong-test", "reference", "never-started-test"), Backends.names());
    }

    @Test
    void aBackendChosenByNameIsSelfCheckedTooAndRefusedWithTheKernel() {
        IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> Backends.select("wrong-test"));
        String m = wrong.getMessage();
        assertTrue(m.startsWith("backend 'wrong-test' failed its self-check"), m);
        // The wrong provider's histogram is off on every format; nothing else is.
        assertTrue(m.contains("errorHistograms on uint8/8, uint10/16, uint12/16, uint16/16, int16/16 ("), m);
        assertTrue(!m.contains("embedPass") && !m.contains("\n"), m);
    }
}
