package org.filigrane.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Kernel sources from the classpath, next to the class that runs them; compile-time constants are prepended as
 * {@code #define}s so that one text (and one cache key) says exactly what was built.
 */
final class Sources {
    private Sources() {
    }

    static String load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                // A packaging error, not a missing device: fail loudly.
                throw new IllegalStateException(name + " is missing from the jar next to " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + name, e);
        }
    }

    /** The defines, then the sources in order (later ones may use what earlier ones declare). */
    static String compose(Class<?> owner, Map<String, ?> defines, String... names) {
        StringBuilder text = new StringBuilder();
        defines.forEach((k, v) -> text.append("#define ").append(k).append(' ').append(v).append('\n'));
        for (String name : names) {
            text.append("// ---- ").append(name).append('\n').append(load(owner, name)).append('\n');
        }
        return text.toString();
    }
}
