package org.filigrane.opencl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What OpenCL drivers are installed, read from the ICD loader's registry files without loading any native code:
 * {@code auto} ranks the OpenCL backend from this, and starts OpenCL (which loads every driver, and PoCL starts its
 * worker threads then) only when it is about to use it.
 *
 * <p>Linux ICD loaders (ocl-icd, Khronos) read {@code OCL_ICD_FILENAMES} (library paths, colon separated), then
 * {@code OCL_ICD_VENDORS} (a directory of {@code .icd} files, or one such file) or {@code /etc/OpenCL/vendors}; each
 * {@code .icd} file names a driver library. A driver known to offer only CPU devices (PoCL, Intel's CPU runtime)
 * cannot beat the Vector API backend, which runs the same loops without copies.
 */
final class IcdRegistry {
    static final Path DEFAULT_VENDORS = Path.of("/etc/OpenCL/vendors");
    /** Library name parts of drivers that offer CPU devices only. */
    private static final List<String> CPU_ONLY = List.of("pocl", "intelocl", "oclcpu");

    private IcdRegistry() {
    }

    /** The driver libraries the ICD loader would load here (empty when none is registered or not Linux-like). */
    static List<String> drivers(String filenames, String vendors, Path defaultVendors) {
        List<String> libraries = new ArrayList<>();
        if (filenames != null && !filenames.isBlank()) {
            for (String f : filenames.split(":")) {
                if (!f.isBlank()) {
                    libraries.add(f.strip());
                }
            }
        }
        Path dir = vendors != null && !vendors.isBlank() ? Path.of(vendors.strip()) : defaultVendors;
        try {
            if (Files.isRegularFile(dir)) {
                libraries.add(Files.readString(dir, StandardCharsets.UTF_8).strip());
            } else if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".icd")).sorted().toList()) {
                        libraries.add(Files.readString(p, StandardCharsets.UTF_8).strip());
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // An unreadable registry ranks OpenCL as if nothing but CPU drivers were there; naming it still works.
        }
        return libraries;
    }

    /** The drivers of this machine, from the environment. */
    static List<String> drivers() {
        return drivers(System.getenv("OCL_ICD_FILENAMES"), System.getenv("OCL_ICD_VENDORS"), DEFAULT_VENDORS);
    }

    /**
     * Whether any registered driver may offer a GPU or accelerator. Where there is no Linux ICD registry at all
     * (Windows, macOS), say yes: {@code auto} then tries OpenCL, which refuses when it finds no GPU.
     */
    static boolean mayHaveGpu(List<String> drivers, boolean registryExists) {
        if (!registryExists) {
            return true;
        }
        return drivers.stream().map(d -> Path.of(d).getFileName().toString().toLowerCase(Locale.ROOT))
                .anyMatch(name -> CPU_ONLY.stream().noneMatch(name::contains));
    }

    static boolean mayHaveGpu() {
        boolean registry = !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).matches(".*(windows|mac).*")
                || System.getenv("OCL_ICD_VENDORS") != null || System.getenv("OCL_ICD_FILENAMES") != null;
        return mayHaveGpu(drivers(), registry);
    }
}
