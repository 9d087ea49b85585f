package org.filigrane.opencl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the OpenCL objects this module created and has not released yet (contexts, queues, programs, kernels,
 * buffers). Native memory held by the driver is invisible to the JVM, so this count is how the tests prove that
 * repeated calls release what they create.
 */
final class LiveObjects {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private LiveObjects() {
    }

    static void created() {
        COUNT.incrementAndGet();
    }

    static void released() {
        COUNT.decrementAndGet();
    }

    static int count() {
        return COUNT.get();
    }
}
