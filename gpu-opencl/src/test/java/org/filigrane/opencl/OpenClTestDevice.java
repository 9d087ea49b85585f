package org.filigrane.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import org.filigrane.engine.spi.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;

/**
 * One backend for all test classes of the JVM (building the programs is the slow part on PoCL). Without an OpenCL
 * device the tests are skipped on a developer machine but fail under CI (system property or environment variable
 * CI=true), where scripts/setup.sh installs PoCL so that they always run.
 */
final class OpenClTestDevice {
    private static OpenClBackend shared;
    private static BackendUnavailableException failure;

    private OpenClTestDevice() {
    }

    static synchronized OpenClBackend backend() {
        if (shared == null && failure == null) {
            try {
                shared = OpenClBackendProvider.open(Devices.selector(), 0);
                System.out.println("OpenCL tests run on: " + shared.description());
            } catch (BackendUnavailableException e) {
                failure = e;
            }
        }
        if (failure != null) {
            if (ci()) {
                fail("CI=true and the OpenCL backend cannot run: " + failure.getMessage(), failure);
            }
            Assumptions.abort("no usable OpenCL device (set CI=true to make this a failure): " + failure.getMessage());
        }
        return shared;
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getProperty("CI")) || "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
