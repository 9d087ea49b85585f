package org.filigrane.opencl;

/** An OpenCL program did not compile on the device; the message carries the compiler's build log. */
final class ProgramBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProgramBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
