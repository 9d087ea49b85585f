package org.filigrane.engine.spi;

/**
 * Found with {@link java.util.ServiceLoader}. A provider that cannot run here (module missing, no device) throws
 * {@link BackendUnavailableException} from {@link #create()} with the reason and the fix; the engine then skips it
 * with one warning. Any other exception is a packaging or programming error and is not swallowed.
 */
public interface BackendProvider {

    /** The name users select it by. */
    String name();

    /** Higher wins under {@code auto}. The reference has 0. */
    int priority();

    Backend create() throws BackendUnavailableException;
}
