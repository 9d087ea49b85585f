package org.filigrane.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.filigrane.engine.Backends;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BackendUnavailableException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @BeforeAll
    static void device() {
        OpenClTestDevice.backend();
    }

    @Test
    void selectorsPickByIndexPlatformAndName() throws Exception {
        List<DeviceInfo> all = Devices.all();
        DeviceInfo first = all.getFirst();
        assertEquals(all.size(), Devices.candidates("auto", all).size());
        assertEquals(first, Devices.candidates("0", all).getFirst());
        assertEquals(first, Devices.candidates(first.platformIndex() + ":" + first.deviceIndex(), all).getFirst());
        String namePart = first.deviceName().toUpperCase(Locale.ROOT).substring(0, Math.min(5,
                first.deviceName().length()));
        assertTrue(Devices.candidates(namePart, all).contains(first));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Devices.candidates("no-such-device-anywhere", all));
        assertTrue(e.getMessage().contains(first.deviceName()), e.getMessage());
        assertThrows(BackendUnavailableException.class, () -> Devices.candidates(String.valueOf(all.size()), all));
    }

    @Test
    void autoPutsGpusFirstAndPriorityFollowsTheRegisteredDrivers() throws Exception {
        List<DeviceInfo> auto = Devices.candidates("auto", Devices.all());
        boolean anyGpu = auto.stream().anyMatch(DeviceInfo::isGpu);
        assertEquals(anyGpu, auto.getFirst().isGpu());
        int priority = new OpenClBackendProvider().priority();
        assertEquals(IcdRegistry.mayHaveGpu() ? OpenClBackendProvider.GPU_PRIORITY
                : OpenClBackendProvider.CPU_PRIORITY, priority);
        // A GPU found means a driver that may offer one is registered: the cheap rank never hides a GPU.
        assertTrue(!anyGpu || priority == OpenClBackendProvider.GPU_PRIORITY, auto + " " + IcdRegistry.drivers());
    }

    @Test
    void theRegistryIsReadWithoutLoadingOpenCl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("pocl.icd"), "libpocl.so.2.10.0\n");
        java.nio.file.Files.writeString(dir.resolve("readme.txt"), "not an icd");
        List<String> cpu = IcdRegistry.drivers(null, dir.toString(), java.nio.file.Path.of("/nonexistent"));
        assertEquals(List.of("libpocl.so.2.10.0"), cpu);
        assertFalse(IcdRegistry.mayHaveGpu(cpu, true));
        java.nio.file.Files.writeString(dir.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
        List<String> both = IcdRegistry.drivers(null, null, dir);
        assertEquals(List.of("libnvidia-opencl.so.1", "libpocl.so.2.10.0"), both);
        assertTrue(IcdRegistry.mayHaveGpu(both, true));
        assertTrue(IcdRegistry.mayHaveGpu(IcdRegistry.drivers("/opt/intel/libintelocl.so:/usr/lib/libamdocl64.so",
                null, java.nio.file.Path.of("/nonexistent")), true));
        assertFalse(IcdRegistry.mayHaveGpu(List.of(), true), "no driver registered");
        assertTrue(IcdRegistry.mayHaveGpu(List.of(), false), "no Linux registry: let auto try");
    }

    @Test
    void theEngineFindsTheBackendByName() {
        int before = LiveObjects.count();
        Backend b = Backends.select("opencl");
        assertEquals("opencl", b.name());
        assertInstanceOf(OpenClBackend.class, b).close();
        assertEquals(before, LiveObjects.count());
    }

    @Test
    void aKernelThatDoesNotBuildReportsTheBuildLog() {
        int before = LiveObjects.count();
        try (ClSession session = new ClSession(OpenClTestDevice.backend().device())) {
            ProgramBuildException e = assertThrows(ProgramBuildException.class,
                    () -> session.program(DevicesTest.class, Map.of(), "Broken.cl"));
            assertTrue(e.getMessage().contains("build log"), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_identifier"), e.getMessage());
        }
        assertEquals(before, LiveObjects.count());
        assertFalse(ClProgram.OPTIONS.contains("fast"), ClProgram.OPTIONS);
    }
}
