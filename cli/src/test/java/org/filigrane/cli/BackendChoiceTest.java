package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What {@code auto} means for a one-shot command, with and without the Vector API's module in the JVM. */
class BackendChoiceTest {
    private static final long LIMIT = BackendChoice.ONE_SHOT_REFERENCE_BELOW;

    @Test
    void autoIsTheReferenceBelowTheLimitAndTheEngineChoiceAbove() {
        assertEquals("reference", BackendChoice.forOneShot("auto", LIMIT - 1, true));
        assertEquals("auto", BackendChoice.forOneShot("auto", LIMIT, true));
    }

    @Test
    void withoutTheVectorModuleAutoIsTheReferenceAtAnySize() {
        // The wrapper's lean JVM lacks jdk.incubator.vector: auto must not fall through to another backend.
        assertEquals("reference", BackendChoice.forOneShot("auto", LIMIT - 1, false));
        assertEquals("reference", BackendChoice.forOneShot("auto", LIMIT * 8, false));
    }

    @Test
    void aNamedBackendIsKept() {
        for (boolean module : new boolean[] {true, false}) {
            assertEquals("vector", BackendChoice.forOneShot("vector", 1, module));
            assertEquals("opencl", BackendChoice.forOneShot("opencl", LIMIT * 2, module));
            assertEquals("reference", BackendChoice.forOneShot("reference", LIMIT * 2, module));
        }
    }

    @Test
    void thisJvmsModuleDecides() {
        // Surefire runs the tests with --add-modules jdk.incubator.vector (cli's argLine).
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module ? "auto" : "reference", BackendChoice.forOneShot("auto", LIMIT));
    }
}
