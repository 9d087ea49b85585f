package org.filigrane.cli;

/**
 * What {@code --backend auto} means for a one-shot command: the fastest backend for the whole process, start-up
 * included. The vector backend is 9x faster than the reference once C2 has compiled its kernels, but in a fresh
 * JVM its self-check and first call run interpreted: measured here (2 cores), a one-shot embed of 40x512x512 cost
 * 10.2 s of CPU on vector against 4.3 s on the reference, and of 200x512x512 15.2 s against 8.2 s. So below
 * {@link #ONE_SHOT_REFERENCE_BELOW} pixels {@code auto} takes the reference, which never needs warming; larger
 * volumes, and long-running processes (batch, router), keep the engine's own choice.
 *
 * <p>The {@code filigrane} wrapper starts small one-shot jobs in a JVM without the Vector API's module (a faster
 * start, docs/BENCHMARKS.md "Start-up"); there {@code auto} takes the reference at any size, never a backend the
 * engine would fall back to after the vector backend failed to start.
 */
final class BackendChoice {
    /** Pixels below which a one-shot command runs on the reference: 512x512x384 (property to change it). */
    static final long ONE_SHOT_REFERENCE_BELOW = Long.getLong("filigrane.auto.oneShotReferenceBelow",
            512L * 512 * 384);

    private BackendChoice() {
    }

    /** The backend name to ask for: {@code requested}, except {@code auto} on a small one-shot job. */
    static String forOneShot(String requested, long pixels) {
        return forOneShot(requested, pixels, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    }

    static String forOneShot(String requested, long pixels, boolean vectorModule) {
        return "auto".equals(requested) && (pixels < ONE_SHOT_REFERENCE_BELOW || !vectorModule) ? "reference"
                : requested;
    }
}
