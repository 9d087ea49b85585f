package org.filigrane.engine;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.filigrane.engine.reference.ReferenceBackend;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendProvider;
import org.filigrane.engine.spi.BackendUnavailableException;

/**
 * Finds backends with {@link ServiceLoader}, so that the engine never links Vector API or OpenCL classes. A backend
 * that cannot run here is skipped with one WARNING naming the cause and the fix; one that runs but disagrees with
 * the reference on the self-check ({@link SelfCheck}: every kernel, every pixel format) is never handed out.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("org.filigrane.engine");
    /** Configurations that passed the self-check in this JVM. */
    private static final Set<String> PASSED = ConcurrentHashMap.newKeySet();

    private Backends() {
    }

    /** Names of the providers on the class path, by declared priority, best first (none is started). */
    public static List<String> names() {
        return providers().stream().map(BackendProvider::name).toList();
    }

    /**
     * The backend called {@code name}, or under {@code auto} the first provider by declared priority that starts and
     * passes its self-check (the reference as the last resort). Only the providers tried are started: ranking reads
     * declared priorities, which never load native code. Every backend but the reference runs {@link SelfCheck}
     * before it is handed out, whether named or chosen by {@code auto}; a named backend that fails it is refused.
     */
    public static Backend select(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).strip();
        List<BackendProvider> providers = providers();
        if (!wanted.equals("auto")) {
            BackendProvider p = providers.stream().filter(x -> x.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no backend named '" + name + "'; known: auto, "
                            + names()));
            Backend b;
            try {
                b = p.create();
            } catch (BackendUnavailableException e) {
                throw new IllegalStateException("backend '" + wanted + "' cannot run here: " + e.getMessage(), e);
            }
            String mismatch = selfCheck(p, b);
            if (mismatch != null) {
                b.close();
                throw new IllegalStateException("backend '" + wanted + "' failed its self-check and is refused: "
                        + mismatch + "; use --backend reference (or auto) and report this machine's details");
            }
            LOG.log(Level.INFO, "Filigrane backend: {0}", b.description());
            return b;
        }
        for (BackendProvider p : providers) {
            Backend b;
            try {
                b = p.createForAuto();
            } catch (BackendUnavailableException e) {
                LOG.log(Level.WARNING, "Filigrane backend '" + p.name() + "' skipped: " + e.getMessage());
                continue;
            }
            String mismatch = selfCheck(p, b);
            if (mismatch != null) {
                b.close();
                LOG.log(Level.WARNING, "Filigrane backend '" + p.name() + "' skipped: self-check failed: "
                        + mismatch);
                continue;
            }
            LOG.log(Level.INFO, "Filigrane backend: {0}", b.description());
            return b;
        }
        throw new IllegalStateException("no backend could start; the reference provider is missing from the "
                + "engine-api jar's META-INF/services (a packaging error)");
    }

    /**
     * Null when {@code b} matches the reference on every kernel. A configuration (provider and the backend's
     * description: device, width, threads) that passed once in this JVM is not checked again.
     */
    private static String selfCheck(BackendProvider p, Backend b) {
        if (b instanceof ReferenceBackend) {
            return null;
        }
        String configuration = p.getClass().getName() + " | " + b.description();
        if (PASSED.contains(configuration)) {
            return null;
        }
        String mismatch = SelfCheck.compareWithReference(b);
        if (mismatch == null) {
            PASSED.add(configuration);
        }
        return mismatch;
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }
}
