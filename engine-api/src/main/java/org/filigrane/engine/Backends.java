package org.filigrane.engine;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;

/**
 * Finds backends with {@link ServiceLoader}, so that the engine never links Vector API or OpenCL classes. A backend
 * that cannot run here is skipped with one WARNING naming the cause and the fix; one that runs but disagrees with
 * the reference on the self-check is never chosen by {@code auto}.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("org.filigrane.engine");

    private Backends() {
    }

    /** Names of the providers on the class path, best first (whether or not they can run here). */
    public static List<String> names() {
        return providers().stream().map(BackendProvider::name).toList();
    }

    /**
     * The backend called {@code name}, or under {@code auto} the highest-priority one that starts and passes
     * its self-check (the reference as the last resort).
     */
    public static Backend select(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).strip();
        List<BackendProvider> providers = providers();
        if (!wanted.equals("auto")) {
            for (BackendProvider p : providers) {
                if (p.name().equals(wanted)) {
                    try {
                        Backend b = p.create();
                        LOG.log(Level.INFO, "Filigrane backend: {0}", b.description());
                        return b;
                    } catch (BackendUnavailableException e) {
                        throw new IllegalStateException("backend '" + wanted + "' cannot run here: " + e.getMessage(),
                                e);
                    }
                }
            }
            throw new IllegalArgumentException("no backend named '" + name + "'; known: auto, " + names());
        }
        for (BackendProvider p : providers) {
            Backend b;
            try {
                b = p.create();
            } catch (BackendUnavailableException e) {
                LOG.log(Level.WARNING, "Filigrane backend '" + p.name() + "' skipped: " + e.getMessage());
                continue;
            }
            if (!p.name().equals("reference")) {
                String mismatch = SelfCheck.compareWithReference(b);
                if (mismatch != null) {
                    b.close();
                    LOG.log(Level.WARNING, "Filigrane backend '" + p.name() + "' skipped: self-check failed: "
                            + mismatch);
                    continue;
                }
            }
            LOG.log(Level.INFO, "Filigrane backend: {0}", b.description());
            return b;
        }
        throw new IllegalStateException("no backend could start; the reference provider is missing from the "
                + "engine-api jar's META-INF/services (a packaging error)");
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }
}
