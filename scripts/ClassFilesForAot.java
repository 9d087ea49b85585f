import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Copies a jar for the JDK's AOT cache: class files older than Java 6 (version below 50, e.g. picocli's, built for
 * Java 5) are rewritten as version 52 with the stack maps the JDK's ClassFile API computes; the code is unchanged.
 * The AOT cache skips linked old classes ("Old class has been linked"), so without this every one-shot command
 * loads and verifies picocli's 170 classes from its jar. Each rewritten class is then loaded and initialized in a
 * loader of its own, so a frame the verifier rejects fails here, not in a user's command.
 *
 * <p>usage: java scripts/ClassFilesForAot.java LIB_DIR OUT_DIR: writes OUT_DIR/NAME.jar for each LIB_DIR/NAME.jar
 * that holds old class files (the others are not copied); exit 1 when a rewritten class does not load.
 */
public final class ClassFilesForAot {
    private static final int FIRST_WITH_STACK_MAPS = 50;

    public static void main(String[] args) throws Exception {
        Path lib = Path.of(args[0]);
        Path outDir = Path.of(args[1]);
        Files.createDirectories(outDir);
        try (var jars = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : jars) {
                if (!rewrite(jar, outDir.resolve(jar.getFileName()))) {
                    System.exit(1);
                }
            }
        }
    }

    /** Writes {@code out} when {@code in} holds old class files; false when a rewritten class does not load. */
    private static boolean rewrite(Path in, Path out) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(in))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        // Stack maps need the class hierarchy: the JDK's own classes, then the jar's.
        ClassHierarchyResolver resolver = ClassHierarchyResolver.defaultResolver().orElse(
                ClassHierarchyResolver.ofResourceParsing(desc -> {
                    String d = desc.descriptorString();
                    byte[] b = entries.get(d.substring(1, d.length() - 1) + ".class");
                    return b == null ? null : new ByteArrayInputStream(b);
                }));
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver),
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
            } else {
                builder.with(element);
            }
        };
        // Passing every method body through a (null) transform makes the API rebuild it, stack maps included.
        ClassTransform rewrite = version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
        Map<String, byte[]> rewritten = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String name = e.getKey();
            byte[] b = e.getValue();
            // The major version is the big-endian u2 at offset 6; only old classes are parsed.
            if (name.endsWith(".class") && !name.startsWith("META-INF/") && b.length > 8
                    && ((b[6] & 0xFF) << 8 | (b[7] & 0xFF)) < FIRST_WITH_STACK_MAPS) {
                rewritten.put(name, cf.transformClass(cf.parse(b), rewrite));
            }
        }
        if (rewritten.isEmpty()) {
            return true;
        }
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(rewritten.getOrDefault(e.getKey(), e.getValue()));
                z.closeEntry();
            }
        }
        try {
            check(tmp, rewritten.keySet());
        } catch (LinkageError | IOException e) {
            Files.deleteIfExists(tmp);
            System.err.println("ClassFilesForAot: " + in.getFileName() + ": a rewritten class does not load: " + e);
            return false;
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println(in.getFileName() + ": " + rewritten.size() + " class file(s) rewritten for the AOT cache");
        return true;
    }

    /** Loads and initializes every rewritten class: verification runs at linking, before initialization. */
    private static void check(Path jar, Iterable<String> names) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (String n : names) {
                String cls = n.substring(0, n.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(cls, true, loader);
                } catch (ClassNotFoundException | ExceptionInInitializerError | NoClassDefFoundError e) {
                    // An optional dependency missing, or an initializer that needs a runtime: not verification.
                } catch (VerifyError | ClassFormatError e) {
                    throw e;
                }
            }
        }
    }
}
