package org.filigrane.engine.spi;

/**
 * Found with {@link java.util.ServiceLoader}. A provider that cannot run here (module missing, no device) throws
 * {@link BackendUnavailableException} from {@link #create()} with the reason and the fix; the engine then skips it
 * with one warning. Any other exception is a packaging or programming error and is not swallowed.
 */
public interface BackendProvider {

    /** The name users select it by. */
    String name();

    /**
     * The declared rank under {@code auto}, higher first; the reference has 0. It must be cheap and side-effect
     * free: read a property or a file if needed, but load no native library, list no device and create no context,
     * because {@code auto} ranks every provider and then starts only the first one it will use (and the next ones
     * only when that one fails).
     */
    int priority();

    /** Starts the backend when it is chosen by name. */
    Backend create() throws BackendUnavailableException;

    /**
     * Starts the backend when {@code auto} tries it: a provider may refuse here what it would accept by name, when
     * what it finds does not deserve its declared priority (an OpenCL driver that offers only a CPU device).
     */
    default Backend createForAuto() throws BackendUnavailableException {
        return create();
    }
}
